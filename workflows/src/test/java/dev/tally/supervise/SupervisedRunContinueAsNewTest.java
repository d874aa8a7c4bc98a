package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.export.EvalRunBatch;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportReceipt;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.Chains;
import dev.tally.testing.HistoryCapture;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A supervised run that continues-as-new mid-work: a worker spawned by the first run of the chain
 * is still calling the router when the run continues, and its settlement must still reach the run
 * (SPEC §8). Real time, so the workers' slow calls and the driver's turns interleave for real.
 */
class SupervisedRunContinueAsNewTest {
  private static final int CONTINUE_AFTER = 500;

  /** The slow worker answers once the driver is past this turn: after at least one continue. */
  private static final int SLOW_WORKER_ANSWERS_AFTER_TURN = 110;

  private static final int DRIVER_TURNS = 160;

  private TemporalHarness harness;
  private final AtomicInteger driverTurn = new AtomicInteger();
  private final AtomicBoolean releaseSlow = new AtomicBoolean();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void liveWorkerAcrossContinueAsNew_settlesIntoTheChain_ledgerEqualsTheBill() {
    ScriptedChat chat =
        new ScriptedChat(script("run-can", DRIVER_TURNS, SLOW_WORKER_ANSWERS_AFTER_TURN));
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    String id = "run-can";
    RunRequest request = longRun(Budget.of(50, 1_000_000).withDeadlineMs(3_600_000L));
    SupervisedRunWorkflow run = harness.newRun(id);
    WorkflowExecution first = WorkflowClient.start(run::run, request);
    run.feedback(new Feedback(0.8, "early", "sent to the first run", "test"));
    Long deadlineAtStart = awaitStatus(run).pool().deadlineAtMs();

    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    List<WorkflowExecutionHistory> chain = Chains.histories(harness.client(), id, first.getRunId());
    List<String> runIds = Chains.runIds(harness.client(), id, first.getRunId());
    assertThat(chain).as("runs in the chain").hasSizeGreaterThanOrEqualTo(2);
    for (WorkflowExecutionHistory h : chain) {
      assertThat(h.getEvents().size()).isLessThan(CONTINUE_AFTER + 100);
    }
    // Walking the chain reproduces every entry once; its totals are the run's and the router's.
    List<LedgerEntry> all = Chains.entries(id, chain);
    LedgerTotals totals = LedgerTotals.of(all);
    assertThat(totals.spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(totals.spentTotal().sameAs(chat.billedSpend()))
        .as("what the router billed")
        .isTrue();
    // Each continued run, read alone, still rebuilds the whole run's totals.
    List<List<LedgerEntry>> byRun = Chains.entriesByRun(chain);
    List<LedgerEntry> last = byRun.get(byRun.size() - 1);
    assertThat(LedgerTotals.of(last).spentTotal().sameAs(result.spentTotal())).isTrue();
    for (int i = 1; i < byRun.size(); i++) {
      assertThat(byRun.get(i).get(0))
          .as("first entry of run %d", i)
          .isInstanceOf(LedgerEntry.Carried.class);
      LedgerEntry.Carried carried = (LedgerEntry.Carried) byRun.get(i).get(0);
      assertThat(carried.fromRunId()).isEqualTo(runIds.get(i - 1));
      assertThat(carried.seq()).isEqualTo(i);
      LedgerTotals before = LedgerTotals.of(flatten(byRun.subList(0, i)));
      assertThat(carried.totals().spentTotal().sameAs(before.spentTotal())).isTrue();
      assertThat(carried.totals().driverInference().sameAs(before.driverInference())).isTrue();
    }
    // seq numbers continue along the chain: every driver turn metered once, in order.
    List<Long> meterSeqs =
        all.stream().filter(e -> e instanceof LedgerEntry.Metered).map(LedgerEntry::seq).toList();
    assertThat(meterSeqs).isSorted().doesNotHaveDuplicates();
    assertThat(meterSeqs)
        .hasSize(chat.billed().stream().filter(b -> isDriver(b.role())).toList().size());
    // The slow worker was spawned by the first run and settled into a later one.
    assertThat(byRun.get(0))
        .anyMatch(e -> e instanceof LedgerEntry.Spawned s && s.id().equals(id + ":s2"));
    assertThat(byRun.get(0))
        .noneMatch(e -> e instanceof LedgerEntry.Settled s && s.id().equals(id + ":s2"));
    assertThat(flatten(byRun.subList(1, byRun.size())))
        .anyMatch(
            e ->
                e instanceof LedgerEntry.Settled s
                    && s.id().equals(id + ":s2")
                    && s.status().equals("done"));
    RunStatus end = run.status();
    assertThat(end.pool().deadlineAtMs()).as("deadline instant").isEqualTo(deadlineAtStart);
    assertThat(end.feedback()).extracting(Feedback::label).containsExactly("early");
    assertThat(end.turn()).isEqualTo(DRIVER_TURNS + 1);
    // The replay corpus: a file's name is its workflow id (a second run of a chain after '~').
    HistoryCapture.save(id, chain.get(0));
    HistoryCapture.save(id + "~2", chain.get(1));
  }

  @Test
  void evalExport_acrossContinueAsNew_startedOnceAndEveryWorkerReportedOnce() {
    RecordingExport export = new RecordingExport();
    ScriptedChat chat =
        new ScriptedChat(script("run-can-eval", DRIVER_TURNS, SLOW_WORKER_ANSWERS_AFTER_TURN));
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter(), export});
    String id = "run-can-eval";
    RunRequest plain = longRun(Budget.of(50, 1_000_000));
    RunRequest request =
        new RunRequest(
                plain.task(),
                plain.budget(),
                plain.perWorker(),
                plain.maxTurns(),
                null,
                null,
                null,
                null,
                new EvalRunLabels("evals/can", java.util.Map.of("suite", "long")))
            .withLongRun(null, null, CONTINUE_AFTER);
    SupervisedRunWorkflow run = harness.newRun(id);
    WorkflowExecution first = WorkflowClient.start(run::run, request);

    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    List<WorkflowExecutionHistory> chain = Chains.histories(harness.client(), id, first.getRunId());
    assertThat(chain).hasSizeGreaterThanOrEqualTo(2);
    List<EvalRunEvent> events = export.events();
    assertThat(events).extracting(EvalRunEvent::status).containsExactly("started", "finished");
    EvalRunEvent finished = events.get(1);
    assertThat(finished.generations())
        .extracting(g -> g.surface().path("workerId").asText())
        .containsExactly(id + ":s1", id + ":s2");
    assertThat(finished.totalCostUsd()).isEqualByComparingTo(result.spentTotal().usd());
    HistoryCapture.save(id, chain.get(0));
    HistoryCapture.save(id + "~2", chain.get(chain.size() - 1));
  }

  /** The eval-run port's edge: what was posted. */
  static final class RecordingExport implements ExportEvalRunsActivities {
    private final List<EvalRunEvent> events = new ArrayList<>();

    @Override
    public synchronized ExportReceipt exportEvalRuns(EvalRunBatch batch) {
      events.addAll(batch.events());
      return new ExportReceipt(ExportReceipt.QUEUED, 0, batch.events().size(), List.of());
    }

    synchronized List<EvalRunEvent> events() {
      return List.copyOf(events);
    }
  }

  @Test
  void cancelAfterContinueAsNew_cancelsTheRunAndItsCarriedWorker() {
    // The slow worker never answers on its own: only the cancel ends it.
    ScriptedChat chat = new ScriptedChat(script("run-can-cancel", 100_000, Integer.MAX_VALUE));
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    String id = "run-can-cancel";
    SupervisedRunWorkflow run = harness.newRun(id);
    WorkflowExecution first = WorkflowClient.start(run::run, longRun(Budget.of(50, 10_000_000)));
    awaitTrue(() -> !currentRunId(id).equals(first.getRunId()), "a continue-as-new");

    run.cancel(new CancelRequest("operator cancel after the continue"));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(result.reason()).isEqualTo(RunResult.CANCELLED);
    RunStatus end = run.status();
    assertThat(end.workers())
        .filteredOn(w -> w.id().equals(id + ":s2"))
        .extracting(RunStatus.WorkerView::status)
        .containsExactly(WorkerOutcome.CANCELLED);
    List<LedgerEntry> all =
        Chains.entries(id, Chains.histories(harness.client(), id, first.getRunId()));
    assertThat(all)
        .filteredOn(e -> e instanceof LedgerEntry.Cancelled c && c.id().equals(id + ":s2"))
        .hasSize(1);
    assertThat(LedgerTotals.of(all).spentTotal().sameAs(result.spentTotal())).isTrue();
    List<String> runIds = Chains.runIds(harness.client(), id, first.getRunId());
    List<WorkflowExecutionHistory> chain = Chains.histories(harness.client(), id, first.getRunId());
    HistoryCapture.save(id, chain.get(0));
    HistoryCapture.save(id + "~" + runIds.size(), chain.get(chain.size() - 1));
  }

  private RunRequest longRun(Budget budget) {
    RunRequest base =
        Requests.withMaxTurns(
            Requests.withBudget(Requests.basic("long"), budget, Budget.of(3, 20_000)), 0);
    return base.withLongRun(null, null, CONTINUE_AFTER);
  }

  /**
   * A driver that spawns a fast and a slow worker, then watches the slow one turn after turn, and
   * stops after {@code turns} turns once both have delivered.
   */
  private ScriptedChat.Script script(String id, int turns, int releaseSlowAfterTurn) {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        if (lastUser(conversation).contains("slow")) {
          awaitSlowRelease();
        }
        return Scripts.workerAnswer(conversation);
      }
      int t = driverTurn.incrementAndGet();
      if (t > releaseSlowAfterTurn) {
        releaseSlow.set(true);
      }
      if (request.turn() == 0) {
        return Answer.calls(
            10,
            5,
            "0.0001",
            ScriptedChat.call("a", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"fast\"}"),
            ScriptedChat.call("b", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"slow\"}"));
      }
      List<com.fasterxml.jackson.databind.JsonNode> results =
          ScriptedChat.toolResults(conversation);
      boolean slowDone = "done".equals(results.get(results.size() - 1).path("status").asText());
      if (slowDone && request.turn() >= turns) {
        return Answer.calls(10, 5, "0.0001", ScriptedChat.call("s", "stop", "{}"));
      }
      return Answer.calls(
          10,
          5,
          "0.0001",
          ScriptedChat.call(
              "o" + request.turn(), "observe_worker", "{\"workerId\":\"" + id + ":s2\"}"));
    };
  }

  /** Holds the slow worker's call, heartbeating as the real activity does, until released. */
  private void awaitSlowRelease() {
    while (!releaseSlow.get()) {
      Activity.getExecutionContext().heartbeat(null);
      sleep(100);
    }
  }

  private RunStatus awaitStatus(SupervisedRunWorkflow run) {
    awaitTrue(() -> !"starting".equals(run.status().phase()), "the run to start");
    return run.status();
  }

  private String currentRunId(String id) {
    return harness.client().newUntypedWorkflowStub(id).describe().getExecution().getRunId();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String lastUser(List<ChatMessage> conversation) {
    String task = "";
    for (ChatMessage m : conversation) {
      if ("user".equals(m.role())) {
        task = m.content();
      }
    }
    return task;
  }

  private static boolean isDriver(String role) {
    return ChatTurnRequest.DRIVER.equals(role);
  }

  private static List<LedgerEntry> flatten(List<List<LedgerEntry>> runs) {
    List<LedgerEntry> out = new ArrayList<>();
    runs.forEach(out::addAll);
    return out;
  }
}
