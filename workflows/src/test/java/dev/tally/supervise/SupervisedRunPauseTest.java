package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.PoolReadout;
import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.HistoryCapture;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code onBudgetExhausted: "pause"} (SPEC §8): a run out of tokens, dollars or time waits for
 * {@code raiseBudget}, resumes where it stopped, and is billed once.
 */
class SupervisedRunPauseTest {
  private static final Budget PER_WORKER = new Budget(1L, 5_000L, null, null);

  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /**
   * A driver that spawns one worker, awaits it, then spawns a second once it can, awaits it and
   * stops: with a pool for one worker only, it pauses between the two.
   */
  private static ScriptedChat.Script twoWorkersOneAtATime() {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        return Scripts.workerAnswer(conversation);
      }
      List<JsonNode> results = ScriptedChat.toolResults(conversation);
      long settled =
          results.stream().filter(r -> "settled".equals(r.path("type").asText())).count();
      JsonNode last = results.isEmpty() ? null : results.get(results.size() - 1);
      if (results.isEmpty() || (settled == 1 && "settled".equals(last.path("type").asText()))) {
        return Answer.calls(
            Scripts.DRIVER_IN,
            Scripts.DRIVER_OUT,
            Scripts.DRIVER_USD,
            ScriptedChat.call(
                "sp" + settled,
                "spawn_worker",
                "{\"profile\":\"chat\",\"task\":\"part " + (settled + 1) + "\"}"));
      }
      if (settled >= 2) {
        return Answer.calls(
            Scripts.DRIVER_IN,
            Scripts.DRIVER_OUT,
            Scripts.DRIVER_USD,
            ScriptedChat.call("s", "stop", "{}"));
      }
      return Answer.calls(
          Scripts.DRIVER_IN,
          Scripts.DRIVER_OUT,
          Scripts.DRIVER_USD,
          ScriptedChat.call("a" + results.size(), "await_event", "{}"));
    };
  }

  private static RunRequest pausing(Budget budget, Budget perWorker, Long pauseTimeoutMs) {
    return Requests.withBudget(Requests.basic("pause me"), budget, perWorker)
        .withLongRun(RunRequest.PAUSE, pauseTimeoutMs, null);
  }

  @Test
  void pausedForTokens_rejectsBadRaisesByName_resumesOnARaise_billedOnce() {
    ScriptedChat chat = new ScriptedChat(twoWorkersOneAtATime());
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    // Two driver turns and one worker fit; the second worker's reservation does not.
    long tokens = 5_000 + 2 * (Scripts.DRIVER_IN + Scripts.DRIVER_OUT) + 100;
    SupervisedRunWorkflow run =
        harness.start("run-pause-tokens", pausing(Budget.of(10, tokens), PER_WORKER, null));

    RunStatus paused = awaitPhase(run, RunStatus.PAUSED);

    assertThat(paused.pausedReason()).contains("pool cannot fund another worker");
    assertThat(paused.shortfalls()).extracting(s -> s.channel()).containsExactly("tokens");
    assertThat(paused.workers()).extracting(RunStatus.WorkerView::status).containsExactly("done");
    int callsWhilePaused = chat.billed().size();
    assertRejected(
        run,
        new Budget(null, tokens - 1, null, null),
        "maxTokens: expected more than the current ceiling " + tokens);
    assertRejected(
        run,
        new Budget(null, null, new BigDecimal("5"), null),
        "maxUsd: expected absent, this run has no dollar cap");
    assertRejected(
        run,
        new Budget(null, null, null, 60_000L),
        "deadlineMs: expected absent, this run has no deadline");
    assertRejected(run, new Budget(null, null, null, null), "expected at least one of maxTokens");
    assertThat(run.status().phase()).isEqualTo(RunStatus.PAUSED);

    PoolReadout after = run.raiseBudget(new Budget(null, tokens + 10_000, null, null));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(after.tokensLeft()).isEqualTo(paused.pool().tokensLeft() + 10_000);
    assertThat(callsWhilePaused).isEqualTo(3);
    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(chat.billed()).filteredOn(b -> b.role().equals(ChatTurnRequest.WORKER)).hasSize(2);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).as("billed once").isTrue();
    List<LedgerEntry> entries =
        LedgerRebuilder.fromHistoryJson(harness.historyJson("run-pause-tokens"));
    assertThat(entries)
        .filteredOn(e -> e instanceof LedgerEntry.Raised)
        .containsExactly(
            new LedgerEntry.Raised("run-pause-tokens", Budget.of(10, tokens + 10_000), 1));
    assertThat(LedgerTotals.of(entries).spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThatThrownBy(() -> run.raiseBudget(new Budget(null, tokens + 20_000, null, null)))
        .as("a raise on a closed run")
        .isInstanceOf(RuntimeException.class);
    HistoryCapture.save("run-pause-tokens", harness.client().fetchHistory("run-pause-tokens"));
  }

  @Test
  void pausedForDollars_raiseOfTheDollarCap_resumesToAWinner() {
    ScriptedChat chat = new ScriptedChat(twoWorkersOneAtATime());
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    // Two driver turns and one worker's $0.002 reservation fit under $0.0051; a second does not.
    Budget budget = new Budget(10L, 1_000_000L, new BigDecimal("0.0051"), null);
    Budget perWorker = new Budget(1L, 5_000L, new BigDecimal("0.002"), null);
    SupervisedRunWorkflow run = harness.start("run-pause-usd", pausing(budget, perWorker, null));

    RunStatus paused = awaitPhase(run, RunStatus.PAUSED);
    assertThat(paused.shortfalls()).extracting(s -> s.channel()).containsExactly("usd");
    assertRejected(
        run,
        new Budget(null, null, new BigDecimal("0.005"), null),
        "maxUsd: expected more than the current ceiling 0.0051");
    run.raiseBudget(new Budget(null, null, new BigDecimal("0.02"), null));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
    assertThat(result.spentTotal().usd()).isLessThanOrEqualTo(new BigDecimal("0.02"));
  }

  @Test
  void pausedAtTheDeadline_raiseOfTheDeadline_resumesWithTheSameStartInstant() {
    AtomicBoolean raised = new AtomicBoolean();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (raised.get()) {
                return Answer.calls(
                    Scripts.DRIVER_IN,
                    Scripts.DRIVER_OUT,
                    Scripts.DRIVER_USD,
                    ScriptedChat.call("s", "stop", "{}"));
              }
              // Turns that take time, until the deadline passes.
              sleep(300);
              return Answer.calls(
                  Scripts.DRIVER_IN,
                  Scripts.DRIVER_OUT,
                  Scripts.DRIVER_USD,
                  ScriptedChat.call("a" + request.turn(), "await_event", "{}"));
            });
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    Budget budget = Budget.of(10, 1_000_000).withDeadlineMs(1_000L);
    SupervisedRunWorkflow run =
        harness.start("run-pause-deadline", pausing(budget, PER_WORKER, null));

    RunStatus paused = awaitPhase(run, RunStatus.PAUSED);
    assertThat(paused.pausedReason()).isEqualTo("deadline passed");
    assertRejected(
        run,
        new Budget(null, null, null, 1_000L),
        "deadlineMs: expected more than the current 1000 ms");
    raised.set(true);
    PoolReadout after = run.raiseBudget(new Budget(null, null, null, 3_600_000L));
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(after.deadlineAtMs()).isEqualTo(paused.pool().deadlineAtMs() - 1_000L + 3_600_000L);
    assertThat(result.reason())
        .as("no worker, stopped by the driver")
        .isEqualTo(RunResult.ALL_CHILDREN_DOWN);
    assertThat(result.detail()).isEqualTo("no worker was spawned");
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
  }

  @Test
  void pauseThatTimesOut_endsBudgetExhausted_withOnlyThePauseTimerWhilePaused() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) ->
                Answer.calls(
                    Scripts.DRIVER_IN,
                    Scripts.DRIVER_OUT,
                    Scripts.DRIVER_USD,
                    ScriptedChat.call("a" + request.turn(), "await_event", "{}")));
    harness = new TemporalHarness(true, new Object[] {chat, new RecordingMeter()});
    long tokens = 5_000 + 3 * (Scripts.DRIVER_IN + Scripts.DRIVER_OUT) - 1;
    RunResult result =
        harness
            .newRun("run-pause-timeout")
            .run(pausing(Budget.of(10, tokens), PER_WORKER, 60_000L));

    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
    assertThat(chat.billed()).hasSize(3);
    List<Duration> timers =
        harness.client().fetchHistory("run-pause-timeout").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
            .map(
                e ->
                    Duration.ofSeconds(
                        e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds()))
            .toList();
    assertThat(timers).containsExactly(Duration.ofSeconds(60));
  }

  @Test
  void endAtBudget_isStillTheDefault() {
    ScriptedChat chat = new ScriptedChat(twoWorkersOneAtATime());
    harness = new TemporalHarness(true, new Object[] {chat, new RecordingMeter()});
    long tokens = 5_000 + 2 * (Scripts.DRIVER_IN + Scripts.DRIVER_OUT) + 100;
    RunRequest request =
        Requests.withBudget(Requests.basic("end"), Budget.of(10, tokens), PER_WORKER);

    RunResult result = harness.newRun("run-end-at-budget").run(request);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(chat.billed()).filteredOn(b -> b.role().equals(ChatTurnRequest.WORKER)).hasSize(1);
  }

  private static void assertRejected(SupervisedRunWorkflow run, Budget raise, String message) {
    assertThatThrownBy(() -> run.raiseBudget(raise))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining(message);
  }

  private static RunStatus awaitPhase(SupervisedRunWorkflow run, String phase) {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      RunStatus s = run.status();
      if (phase.equals(s.phase())) {
        return s;
      }
      sleep(50);
    }
    throw new AssertionError("run never reached phase " + phase + ": " + run.status());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
