package dev.tally.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.embedded.DevStack;
import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
import dev.tally.export.RunHistory;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.MeterEntries;
import dev.tally.ledger.Spend;
import dev.tally.router.scripted.BilledTotals;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run far longer than one history can hold: {@code turns} driver turns of a supervised run on the
 * embedded server with the scripted router, continuing-as-new whenever its history passes {@code
 * continueAsNewAfterEvents}. It reports the chain (how many runs, the largest history), whether the
 * time per turn stays flat from the start of the run to its end, and whether the ledger rebuilt
 * from the whole chain equals the run's {@code spentTotal} and what the router billed.
 */
public final class LongBench {
  /** Workers the scripted driver spawns on its first turn, so child work is on the ledger too. */
  public static final int WORKERS = 2;

  /**
   * The figures of one long run.
   *
   * @param turns driver turns the run took
   * @param runs runs in its continue-as-new chain
   * @param largestHistoryEvents the most events any one run's history has
   * @param largestHistoryBytes the most bytes (serialised protobuf) any one run's history has
   * @param wallSeconds the whole run, start to result
   * @param startMsPerTurn median wall time between driver turns over the first tenth of the run,
   *     from the history's event times
   * @param endMsPerTurn the same over the last tenth
   * @param startRouterMs median time inside the driver's {@code RouterChat} activity (started to
   *     completed) over the first tenth: the model call, which grows with the conversation
   * @param endRouterMs the same over the last tenth
   * @param ledgerEntries entries rebuilt from the whole chain, each once
   * @param ledgerUnbroken every driver turn metered once, in order, and every entry key distinct
   * @param spentTotal the run's own {@code spentTotal}
   * @param rebuiltTotal the total of the ledger rebuilt from the chain's histories alone
   * @param billed what the scripted router billed for every call it answered
   */
  public record Result(
      int turns,
      int runs,
      int largestHistoryEvents,
      long largestHistoryBytes,
      double wallSeconds,
      double startMsPerTurn,
      double endMsPerTurn,
      double startRouterMs,
      double endRouterMs,
      int ledgerEntries,
      boolean ledgerUnbroken,
      Spend spentTotal,
      Spend rebuiltTotal,
      BilledTotals billed) {
    public double endToStartRatio() {
      return endMsPerTurn / startMsPerTurn;
    }

    /**
     * Time per turn outside the model call (Temporal, the ledger, the workflow), end over start.
     */
    public double outsideRouterEndToStartRatio() {
      return (endMsPerTurn - endRouterMs) / (startMsPerTurn - startRouterMs);
    }

    /** The rebuilt ledger equals the run's spentTotal exactly. */
    public boolean rebuiltEqualsSpentTotal() {
      return rebuiltTotal.sameAs(spentTotal);
    }

    /** The run's spentTotal equals the router's bill, tokens and dollars. */
    public boolean spentTotalEqualsBilled() {
      return spentTotal.inputTokens() == billed.promptTokens()
          && spentTotal.outputTokens() == billed.completionTokens()
          && spentTotal.usd().compareTo(billed.costUsd()) == 0;
    }
  }

  private LongBench() {}

  /** Runs one long run of {@code turns} driver turns; null leaves the default threshold. */
  public static Result run(int turns, Integer continueAsNewAfterEvents, Map<String, String> env)
      throws IOException {
    // With workers to spawn, the script takes minAwaits + 2 driver turns.
    ScriptedRouter.Options script = new ScriptedRouter.Options(WORKERS, turns - 2, 0);
    try (DevStack stack = DevStack.startScripted(0, env, script)) {
      WorkflowClient client = stack.connection().client();
      String id = "bench-long-" + turns;
      SupervisedRunWorkflow run =
          client.newWorkflowStub(
              SupervisedRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(stack.config().taskQueue())
                  .build());
      long t0 = System.nanoTime();
      // The stub follows the chain: the result is the last run's.
      RunResult result = run.run(request(turns, continueAsNewAfterEvents));
      double wallSeconds = (System.nanoTime() - t0) / 1e9;
      if (result.spentTotal() == null) {
        throw new IllegalStateException("long benchmark run " + id + " reported no spend");
      }
      RunChain chain = RunChain.read(HistorySource.of(client), id);
      long largestBytes = 0;
      for (RunChain.Run r : chain.runs()) {
        largestBytes =
            Math.max(
                largestBytes, client.fetchHistory(id, r.runId()).getHistory().getSerializedSize());
      }
      List<Long> turnTimes = driverTurnTimes(chain, id);
      List<Long> routerCalls = driverRouterCallMicros(chain);
      List<LedgerEntry> ledger = chain.ledger();
      int window = Math.max(1, turnTimes.size() / 10);
      int calls = routerCalls.size();
      return new Result(
          turnTimes.size(),
          chain.runs().size(),
          chain.largestEventCount(),
          largestBytes,
          wallSeconds,
          medianInterval(turnTimes.subList(0, Math.min(turnTimes.size(), window + 1))),
          medianInterval(
              turnTimes.subList(Math.max(0, turnTimes.size() - window - 1), turnTimes.size())),
          median(routerCalls.subList(0, Math.min(calls, window))) / 1000.0,
          median(routerCalls.subList(Math.max(0, calls - window), calls)) / 1000.0,
          ledger.size(),
          unbroken(ledger, id, turnTimes.size()),
          result.spentTotal(),
          chain.totals().spentTotal(),
          stack.scriptedRouter().totals());
    }
  }

  /** A run only the script ends: a pool that never binds, a turn cap above the script's length. */
  static RunRequest request(int turns, Integer continueAsNewAfterEvents) {
    return new RunRequest(
            TextNode.valueOf("Long benchmark run"),
            Budget.of(10, 10_000_000_000_000L),
            Budget.of(1, 8_000),
            turns + 2,
            null,
            null,
            null,
            null,
            null)
        .withLongRun(null, null, continueAsNewAfterEvents);
  }

  /** When each driver turn was metered, in turn order, across every run of the chain. */
  private static List<Long> driverTurnTimes(RunChain chain, String id) {
    List<Long> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (RunChain.Run r : chain.runs()) {
      for (JsonNode e : r.events()) {
        for (MeterEntries.Found f : MeterEntries.newIn(e, seen)) {
          if (f.entry() instanceof LedgerEntry.Metered m && id.equals(m.id())) {
            out.add(micros(e));
          }
        }
      }
    }
    return out;
  }

  /**
   * How long each driver model call ran, started to completed, in microseconds, in order across the
   * chain.
   */
  private static List<Long> driverRouterCallMicros(RunChain chain) {
    List<Long> out = new ArrayList<>();
    for (RunChain.Run r : chain.runs()) {
      Set<Long> driverCalls = new HashSet<>();
      Map<Long, Long> startedAt = new HashMap<>();
      for (JsonNode e : r.events()) {
        JsonNode a;
        if ((a = e.get("activityTaskScheduledEventAttributes")) != null
            && "RouterChat".equals(a.path("activityType").path("name").asText())) {
          JsonNode input = RunHistory.firstPayload(a.path("input"));
          if (input != null && "driver".equals(input.path("role").asText())) {
            driverCalls.add(e.path("eventId").asLong());
          }
        } else if ((a = e.get("activityTaskStartedEventAttributes")) != null) {
          startedAt.put(a.path("scheduledEventId").asLong(), micros(e));
        } else if ((a = e.get("activityTaskCompletedEventAttributes")) != null) {
          long scheduled = a.path("scheduledEventId").asLong();
          Long started = startedAt.get(scheduled);
          if (driverCalls.contains(scheduled) && started != null) {
            out.add(micros(e) - started);
          }
        }
      }
    }
    return out;
  }

  private static double median(List<Long> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(Long::compare);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2.0;
  }

  /** The event's time in microseconds (the server records it finer than milliseconds). */
  private static long micros(JsonNode event) {
    Instant t = Instant.parse(event.path("eventTime").asText());
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** Every driver turn metered once and in order, and every entry's key distinct. */
  private static boolean unbroken(List<LedgerEntry> ledger, String id, int turns) {
    Set<String> keys = new HashSet<>();
    int expectTurn = 0;
    for (LedgerEntry e : ledger) {
      if (!keys.add(e.key(id))) {
        return false;
      }
      if (e instanceof LedgerEntry.Metered m && id.equals(m.id())) {
        if (m.turn() != expectTurn++) {
          return false;
        }
      }
    }
    return expectTurn == turns;
  }

  /** The median gap between successive instants (microseconds), in milliseconds. */
  private static double medianInterval(List<Long> times) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(times.get(i) - times.get(i - 1));
    }
    return median(gaps) / 1000.0;
  }
}
