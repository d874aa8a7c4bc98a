package dev.tally.observe;

import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.TurnView;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The op of a closed run or delegation, from its own result: pure, so tests can build it too. */
public final class OpRecords {
  private OpRecords() {}

  /**
   * Where and when something closed.
   *
   * @param workflowId its workflow id
   * @param firstRunId the run id of its first execution: a reused workflow id is a new op
   * @param namespace the Temporal namespace
   * @param startedAtMs when its run started
   * @param closedAtMs when it closed
   */
  public record Closing(
      String workflowId, String firstRunId, String namespace, long startedAtMs, long closedAtMs) {
    String opId() {
      return workflowId + "/" + firstRunId;
    }

    long durationMs() {
      return Math.max(0, closedAtMs - startedAtMs);
    }
  }

  public static Op run(
      Closing at,
      RunRequest request,
      RunResult result,
      List<LedgerEntry> entries,
      Long playbookVersion) {
    boolean winner = RunResult.WINNER.equals(result.kind());
    String reason = winner ? null : result.reason();
    String outcome =
        winner ? Op.WINNER : RunResult.CANCELLED.equals(reason) ? Op.CANCELLED : Op.NO_WINNER;
    return new Op(
        at.opId(),
        at.workflowId(),
        Op.RUN,
        "run",
        at.namespace(),
        outcome,
        winner,
        reason,
        result.error() == null ? null : result.error().type(),
        result.detail() != null
            ? result.detail()
            : result.error() == null ? null : result.error().message(),
        result.spentTotal(),
        at.durationMs(),
        OpsReport.models(entries),
        OpsReport.labels(request.evalRun()),
        request.budget(),
        OpsReport.taskHash(request.task()),
        at.closedAtMs(),
        playbookVersion);
  }

  public static Op refusedRun(Closing at, RunRequest request, String errorType, String message) {
    return new Op(
        at.opId(),
        at.workflowId(),
        Op.RUN,
        "run",
        at.namespace(),
        Op.REFUSED,
        false,
        Op.INVALID_REQUEST,
        errorType,
        message,
        Spend.ZERO,
        at.durationMs(),
        List.of(),
        request == null ? Map.of() : OpsReport.labels(request.evalRun()),
        request == null ? null : request.budget(),
        request == null ? null : OpsReport.taskHash(request.task()),
        at.closedAtMs(),
        null);
  }

  public static Op delegation(Closing at, DelegationRequest request, DelegationResult result) {
    boolean completed = DelegationStatus.COMPLETED.equals(result.status());
    String outcome =
        completed
            ? Op.COMPLETED
            : DelegationStatus.CANCELLED.equals(result.status()) ? Op.CANCELLED : Op.FAILED;
    TreeSet<String> models = new TreeSet<>();
    if (result.turns() != null) {
      for (TurnView t : result.turns()) {
        if (t.model() != null) {
          models.add(t.model());
        }
      }
    }
    String errorType = result.error() == null ? null : result.error().kind();
    return new Op(
        at.opId(),
        at.workflowId(),
        Op.DELEGATION,
        result.profile(),
        at.namespace(),
        outcome,
        completed,
        completed ? null : outcome.equals(Op.CANCELLED) ? Op.CANCELLED : errorType,
        errorType,
        result.error() == null ? null : result.error().message(),
        result.spent() == null ? Spend.unknown(0) : result.spent(),
        at.durationMs(),
        List.copyOf(models),
        OpsReport.labels(request.evalRun()),
        null,
        OpsReport.taskHash(request.args()),
        at.closedAtMs(),
        null);
  }

  public static Op refusedDelegation(
      Closing at, DelegationRequest request, String errorType, String message) {
    return new Op(
        at.opId(),
        at.workflowId(),
        Op.DELEGATION,
        request == null || request.profile() == null ? "unknown" : request.profile(),
        at.namespace(),
        Op.REFUSED,
        false,
        Op.INVALID_REQUEST,
        errorType,
        message,
        Spend.ZERO,
        at.durationMs(),
        List.of(),
        request == null ? Map.of() : OpsReport.labels(request.evalRun()),
        null,
        request == null ? null : OpsReport.taskHash(request.args()),
        at.closedAtMs(),
        null);
  }
}
