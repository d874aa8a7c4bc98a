package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.TemporalHarness;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What stops a driver: the pool, capped dollars, the deadline and the turn cap. */
class SupervisedRunBoundsTest {
  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /** A driver that never stops on its own: every turn polls for events that never come. */
  private static ScriptedChat restless(long tokensPerTurn, String usdPerTurn) {
    return new ScriptedChat(
        (request, conversation) ->
            Answer.calls(
                tokensPerTurn / 2,
                tokensPerTurn - tokensPerTurn / 2,
                usdPerTurn,
                ScriptedChat.call("a", "await_event", "{}")));
  }

  @Test
  void maxTurnsZero_tokensRunOut_stopsWhenPoolCannotFundAWorker() {
    ScriptedChat chat = restless(1_000, "0.001");
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withMaxTurns(
            Requests.withBudget(Requests.basic("loop"), Budget.of(5, 10_000), Budget.of(1, 2_000)),
            0);

    RunResult result = harness.newRun("run-tokens").run(request);

    // 10,000 tokens, 1,000 a turn, a worker needs 2,000: after 9 turns 1,000 are left.
    assertThat(chat.billed()).hasSize(9);
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
    assertThat(result.detail()).contains("pool");
    assertThat(result.spentTotal().tokens()).isEqualTo(9_000);
    assertThat(result.spentBreakdown().driverInference().tokens()).isEqualTo(9_000);
  }

  @Test
  void maxTurnsZero_cappedDollarsRunOut_stopsAtTheDollarCap() {
    ScriptedChat chat = restless(10, "0.01");
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withMaxTurns(
            Requests.withBudget(
                Requests.basic("loop"),
                Budget.of(5, 1_000_000).withMaxUsd(new BigDecimal("0.05")),
                Budget.of(1, 100)),
            0);

    RunResult result = harness.newRun("run-dollars").run(request);

    assertThat(chat.billed()).hasSize(5);
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
    assertThat(result.spentTotal().usd()).isEqualByComparingTo("0.05");
    RunStatus status = harness.existing("run-dollars").status();
    assertThat(status.pool().usdLeft()).isEqualByComparingTo("0");
  }

  @Test
  void poolStarved_beforeFirstTurn_noTurnIsBought() {
    ScriptedChat chat = restless(10, "0.001");
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withBudget(Requests.basic("too small"), Budget.of(5, 1_000), Budget.of(1, 2_000));

    RunResult result = harness.newRun("run-starved").run(request);

    assertThat(chat.billed()).isEmpty();
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
    assertThat(result.spentTotal().tokens()).isZero();
    assertThat(result.spentBreakdown()).as("nothing metered, no breakdown").isNull();
  }

  @Test
  void poolStarved_onIterations_stopsBeforeTheTurn() {
    ScriptedChat chat = restless(10, "0.001");
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withBudget(Requests.basic("no rounds"), Budget.of(0, 100_000), Budget.of(1, 100));

    RunResult result = harness.newRun("run-iter").run(request);

    assertThat(chat.billed()).isEmpty();
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
  }

  @Test
  void turnCap_reached_stopsAfterExactlyMaxTurns() {
    ScriptedChat chat = restless(10, "0.001");
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result =
        harness.newRun("run-cap").run(Requests.withMaxTurns(Requests.basic("cap"), 3));

    assertThat(chat.billed()).hasSize(3);
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.ALL_CHILDREN_DOWN);
    assertThat(result.detail()).isEqualTo("no worker was spawned");
    assertThat(harness.existing("run-cap").status().turn()).isEqualTo(3);
  }

  @Test
  void deadline_passedDuringATurn_budgetExhaustedByDeadlineBeforeTheNextTurn() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              try {
                // Activities run in real time even under time skipping: this turn outlasts the
                // one-second deadline.
                Thread.sleep(1_200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Answer.calls(5, 5, "0.0001", ScriptedChat.call("a", "await_event", "{}"));
            });
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withBudget(
            Requests.basic("hurry"),
            Budget.of(5, 100_000).withDeadlineMs(1_000L),
            Budget.of(1, 100));

    RunResult result = harness.newRun("run-deadline").run(request);

    assertThat(chat.billed()).hasSize(1);
    assertThat(result.reason()).isEqualTo(RunResult.BUDGET_EXHAUSTED);
    assertThat(result.detail()).isEqualTo("deadline passed");
    RunStatus status = harness.existing("run-deadline").status();
    assertThat(status.pool().deadlineAtMs()).isNotNull();
  }
}
