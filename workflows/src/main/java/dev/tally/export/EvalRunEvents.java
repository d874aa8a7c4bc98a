package dev.tally.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a supervised run's eval-run events from what the run already holds: its request's labels,
 * its ledger and its result. Pure and deterministic (times are passed in), so workflow code can
 * call it, and so can anyone rebuilding the events from a history.
 */
public final class EvalRunEvents {
  private EvalRunEvents() {}

  /** The {@code started} event: no generations, nothing spent yet. */
  public static EvalRunEvent started(String runId, EvalRunLabels evalRun, long startedAtMs) {
    Objects.requireNonNull(runId, "runId");
    return new EvalRunEvent(
        runId,
        runDir(runId, evalRun),
        iso(startedAtMs),
        EvalRunEvent.STARTED,
        labels(evalRun),
        List.of(),
        null,
        null,
        null,
        0,
        null);
  }

  /**
   * The closing event of a run: {@code finished} when the run ran its course (a winner, or no
   * winner because the budget ran out or every worker went down), {@code errored} when the driver
   * failed or the run was cancelled, with the reason in {@code errorMessage}.
   *
   * @param ledger the run's ledger entries in order
   * @param result the run's result
   * @param workerDurationsMs how long each worker ran, by node id, where known; a worker missing
   *     here is given its spend's {@code ms}
   */
  public static EvalRunEvent from(
      String runId,
      EvalRunLabels evalRun,
      List<LedgerEntry> ledger,
      RunResult result,
      Map<String, Long> workerDurationsMs,
      long startedAtMs,
      long endedAtMs) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(result, "result");
    String error = errorMessage(result);
    return new EvalRunEvent(
        runId,
        runDir(runId, evalRun),
        iso(endedAtMs),
        error == null ? EvalRunEvent.FINISHED : EvalRunEvent.ERRORED,
        labels(evalRun),
        generations(ledger, workerDurationsMs == null ? Map.of() : workerDurationsMs),
        null,
        null,
        LedgerTotals.of(ledger).spentTotal().usd(),
        Math.max(0, endedAtMs - startedAtMs),
        error);
  }

  /**
   * A run still open, as far as it got: the workers settled so far as {@code generation-complete}.
   */
  public static EvalRunEvent progress(
      String runId,
      EvalRunLabels evalRun,
      List<LedgerEntry> ledger,
      Map<String, Long> workerDurationsMs,
      long startedAtMs,
      long atMs) {
    return new EvalRunEvent(
        runId,
        runDir(runId, evalRun),
        iso(atMs),
        EvalRunEvent.GENERATION_COMPLETE,
        labels(evalRun),
        generations(ledger, workerDurationsMs == null ? Map.of() : workerDurationsMs),
        null,
        null,
        LedgerTotals.of(ledger).spentTotal().usd(),
        Math.max(0, atMs - startedAtMs),
        null);
  }

  /** The {@code errored} event of a run that failed before it could produce a result. */
  public static EvalRunEvent errored(
      String runId,
      EvalRunLabels evalRun,
      List<LedgerEntry> ledger,
      String message,
      long startedAtMs,
      long endedAtMs) {
    return new EvalRunEvent(
        runId,
        runDir(runId, evalRun),
        iso(endedAtMs),
        EvalRunEvent.ERRORED,
        labels(evalRun),
        generations(ledger, Map.of()),
        null,
        null,
        LedgerTotals.of(ledger).spentTotal().usd(),
        Math.max(0, endedAtMs - startedAtMs),
        message);
  }

  /**
   * One generation per {@code settled} entry, in settlement order: the worker's {@code outRef} as
   * the surface hash and its verdict's score as the composite mean (0 for a worker that went down,
   * which has neither).
   */
  static List<Generation> generations(List<LedgerEntry> ledger, Map<String, Long> durations) {
    List<Generation> out = new ArrayList<>();
    for (LedgerEntry e : ledger) {
      if (!(e instanceof LedgerEntry.Settled s)) {
        continue;
      }
      ObjectNode surface =
          Json.CANONICAL.createObjectNode().put("workerId", s.id()).put("status", s.status());
      if (s.reason() != null) {
        surface.put("reason", s.reason());
      }
      Long duration = durations.get(s.id());
      out.add(
          new Generation(
              out.size(),
              s.outRef() == null ? "" : s.outRef(),
              surface,
              null,
              s.verdict() == null ? 0.0 : s.verdict().score(),
              s.spent().usd(),
              duration != null ? duration : s.spent().ms()));
    }
    return out;
  }

  private static String errorMessage(RunResult result) {
    if (RunResult.DRIVER_FAILED.equals(result.reason())) {
      RunResult.ErrorInfo e = result.error();
      return e == null ? "driver failed: " + result.detail() : e.type() + ": " + e.message();
    }
    if (RunResult.CANCELLED.equals(result.reason())) {
      return "cancelled: " + result.detail();
    }
    return null;
  }

  /**
   * One candidate of a delegation as a generation.
   *
   * @param sessionId the candidate's session
   * @param harness its named harness, or null for the default
   * @param state {@code completed}, {@code failed} or {@code cancelled}
   * @param reason why it was not kept, or null
   * @param surfaceHash the content address of what it produced (a coder's patch), or empty
   * @param score its {@code highest-score} score when eligible, else 0
   * @param costUsd what it cost; a floor when unpriced
   * @param durationMs how long it ran
   */
  public record DelegationCandidate(
      String sessionId,
      String harness,
      String state,
      String reason,
      String surfaceHash,
      double score,
      BigDecimal costUsd,
      long durationMs) {}

  /**
   * The closing event of a delegation: {@code finished} when it completed, {@code errored} (with
   * the reason) when it failed or was cancelled; one generation per candidate, in variant order.
   */
  public static EvalRunEvent forDelegation(
      String taskId,
      EvalRunLabels evalRun,
      String errorMessage,
      List<DelegationCandidate> candidates,
      BigDecimal totalCostUsd,
      long startedAtMs,
      long endedAtMs) {
    Objects.requireNonNull(taskId, "taskId");
    List<Generation> generations = new ArrayList<>();
    for (DelegationCandidate c : candidates) {
      ObjectNode surface =
          Json.CANONICAL.createObjectNode().put("workerId", c.sessionId()).put("status", c.state());
      if (c.harness() != null) {
        surface.put("harness", c.harness());
      }
      if (c.reason() != null) {
        surface.put("reason", c.reason());
      }
      generations.add(
          new Generation(
              generations.size(),
              c.surfaceHash() == null ? "" : c.surfaceHash(),
              surface,
              null,
              c.score(),
              c.costUsd(),
              c.durationMs()));
    }
    return new EvalRunEvent(
        taskId,
        runDir(taskId, evalRun),
        iso(endedAtMs),
        errorMessage == null ? EvalRunEvent.FINISHED : EvalRunEvent.ERRORED,
        labels(evalRun),
        generations,
        null,
        null,
        totalCostUsd,
        Math.max(0, endedAtMs - startedAtMs),
        errorMessage);
  }

  private static String runDir(String runId, EvalRunLabels evalRun) {
    return evalRun != null && evalRun.runDir() != null && !evalRun.runDir().isBlank()
        ? evalRun.runDir()
        : runId;
  }

  private static Map<String, String> labels(EvalRunLabels evalRun) {
    return evalRun == null || evalRun.labels() == null ? Map.of() : evalRun.labels();
  }

  private static String iso(long epochMs) {
    return Instant.ofEpochMilli(epochMs).toString();
  }
}
