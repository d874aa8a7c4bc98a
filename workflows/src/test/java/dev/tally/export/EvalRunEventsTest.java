package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.ledger.Verdict;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalRunEventsTest {
  private static final EvalRunLabels LABELS = new EvalRunLabels("runs/a", Map.of("suite", "x"));
  private static final Spend TURN = spend(100, 10, "0.002");
  private static final Spend W1 = spend(40, 20, "0.0005");
  private static final Spend W2 = spend(30, 0, "0.0001");

  private static Spend spend(long in, long out, String usd) {
    return new Spend(1, in, out, new BigDecimal(usd), 250, true, UsdSource.BILLED);
  }

  private static final List<LedgerEntry> LEDGER =
      List.of(
          new LedgerEntry.Metered("run-a", TURN, "m", 0, 1),
          new LedgerEntry.Spawned("run-a:s1", "run-a", "w1", "chat", Budget.of(1, 100), 1),
          new LedgerEntry.Spawned("run-a:s2", "run-a", "w2", "chat", Budget.of(1, 100), 2),
          new LedgerEntry.Settled("run-a:s2", "down", null, null, W2, "no answer", false, null, 1),
          new LedgerEntry.Settled(
              "run-a:s1",
              "done",
              "sha256:11",
              new Verdict(true, 0.9, null),
              W1,
              null,
              null,
              null,
              2));

  private static RunResult result(String kind, String reason, RunResult.ErrorInfo error) {
    return new RunResult(
        kind, null, null, null, null, reason, "detail", error, 1, TURN.plus(W1).plus(W2), null);
  }

  @Test
  void from_winner_isFinishedWithOneGenerationPerSettledWorker() {
    EvalRunEvent e =
        EvalRunEvents.from(
            "run-a",
            LABELS,
            LEDGER,
            result(RunResult.WINNER, null, null),
            Map.of("run-a:s1", 777L),
            1_000,
            4_000);

    assertThat(e.status()).isEqualTo(EvalRunEvent.FINISHED);
    assertThat(e.runDir()).isEqualTo("runs/a");
    assertThat(e.labels()).isEqualTo(Map.of("suite", "x"));
    assertThat(e.timestamp()).isEqualTo("1970-01-01T00:00:04Z");
    assertThat(e.totalDurationMs()).isEqualTo(3_000);
    assertThat(e.totalCostUsd()).isEqualByComparingTo("0.0026");
    assertThat(e.generations()).hasSize(2);
    Generation down = e.generations().get(0);
    assertThat(down.index()).isZero();
    assertThat(down.surfaceHash()).isEmpty();
    assertThat(down.compositeMean()).isZero();
    assertThat(down.durationMs()).as("from the spend when not measured").isEqualTo(250);
    assertThat(down.surface().path("reason").asText()).isEqualTo("no answer");
    Generation done = e.generations().get(1);
    assertThat(done.surfaceHash()).isEqualTo("sha256:11");
    assertThat(done.compositeMean()).isEqualTo(0.9);
    assertThat(done.costUsd()).isEqualByComparingTo("0.0005");
    assertThat(done.durationMs()).isEqualTo(777);
  }

  @Test
  void from_noWinnerOutOfBudget_isStillFinished() {
    EvalRunEvent e =
        EvalRunEvents.from(
            "run-a",
            LABELS,
            LEDGER,
            result(RunResult.NO_WINNER, RunResult.BUDGET_EXHAUSTED, null),
            Map.of(),
            0,
            1);

    assertThat(e.status()).isEqualTo(EvalRunEvent.FINISHED);
    assertThat(e.errorMessage()).isNull();
  }

  @Test
  void from_driverFailedOrCancelled_isErroredWithTheReason() {
    EvalRunEvent failed =
        EvalRunEvents.from(
            "run-a",
            null,
            LEDGER,
            result(
                RunResult.NO_WINNER,
                RunResult.DRIVER_FAILED,
                new RunResult.ErrorInfo("RouterUnauthorized", "401 from router")),
            Map.of(),
            0,
            1);
    EvalRunEvent cancelled =
        EvalRunEvents.from(
            "run-a",
            null,
            LEDGER,
            result(RunResult.NO_WINNER, RunResult.CANCELLED, null),
            Map.of(),
            0,
            1);

    assertThat(failed.status()).isEqualTo(EvalRunEvent.ERRORED);
    assertThat(failed.errorMessage()).isEqualTo("RouterUnauthorized: 401 from router");
    assertThat(failed.runDir()).as("defaults to the run id").isEqualTo("run-a");
    assertThat(cancelled.status()).isEqualTo(EvalRunEvent.ERRORED);
    assertThat(cancelled.errorMessage()).isEqualTo("cancelled: detail");
  }

  @Test
  void started_hasNothingSpentYet() {
    EvalRunEvent e = EvalRunEvents.started("run-a", LABELS, 0);

    assertThat(e.status()).isEqualTo(EvalRunEvent.STARTED);
    assertThat(e.generations()).isEmpty();
    assertThat(e.totalCostUsd()).isEqualByComparingTo("0");
  }

  @Test
  void gateDecided_keepsTheRecordAndAddsTheDecision() {
    EvalRunEvent finished =
        EvalRunEvents.from(
            "run-a", LABELS, LEDGER, result(RunResult.WINNER, null, null), Map.of(), 0, 10);

    EvalRunEvent gate = finished.gateDecided("hold", 0.03, "2026-01-01T00:00:00Z");

    assertThat(gate.status()).isEqualTo(EvalRunEvent.GATE_DECIDED);
    assertThat(gate.runId()).isEqualTo("run-a");
    assertThat(gate.gateDecision()).isEqualTo("hold");
    assertThat(gate.holdoutLift()).isEqualTo(0.03);
    assertThat(gate.generations()).isEqualTo(finished.generations());
    assertThat(gate.totalCostUsd()).isEqualTo(finished.totalCostUsd());
  }

  @Test
  void event_unknownStatusOrDecision_isRefused() {
    assertThatThrownBy(
            () -> new EvalRunEvent("r", "d", "t", "done", null, null, null, null, null, 0, null))
        .hasMessageContaining("status")
        .hasMessageContaining("\"done\"");
    assertThatThrownBy(
            () ->
                new EvalRunEvent(
                    "r", "d", "t", "gate-decided", null, null, "maybe", null, null, 0, null))
        .hasMessageContaining("gateDecision")
        .hasMessageContaining("\"maybe\"");
    assertThatThrownBy(
            () ->
                new EvalRunEvent(
                    "r", "d", "t", "gate-decided", null, null, null, null, null, 0, null))
        .hasMessageContaining("gateDecision: required");
  }

  @Test
  void batchKey_isPerRunAndStatus() {
    assertThat(EvalRunBatch.of(EvalRunEvents.started("run-a", null, 0)).idempotencyKey())
        .isEqualTo("run-a/started");
    assertThat(EvalRunBatch.keyFor("run-a", "gate-decided", "e1"))
        .isEqualTo("run-a/gate-decided/e1");
  }

  @Test
  void started_labelsWithNulls_dropThemInsteadOfFailing() {
    Map<String, String> labels = new java.util.HashMap<>();
    labels.put("suite", "x");
    labels.put("empty", null);

    EvalRunEvent e = EvalRunEvents.started("run-a", new EvalRunLabels(null, labels), 0);

    assertThat(e.labels()).isEqualTo(Map.of("suite", "x"));
  }
}
