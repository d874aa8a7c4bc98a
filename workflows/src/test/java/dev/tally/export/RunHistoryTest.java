package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunHistoryTest {
  private static final String WINNER = Histories.load("hist-winner.json");

  private static String withEvalRun(String history) {
    return Histories.withInput(
        history,
        input -> {
          input.putObject("evalRun").put("runDir", "runs/w").putObject("labels").put("k", "v");
          return input;
        });
  }

  @Test
  void parse_closedRun_readsEndingLedgerAndWorkers() {
    RunHistory h = RunHistory.parse(WINNER);

    assertThat(h.workflowId()).isEqualTo("hist-winner");
    assertThat(h.workflowType()).isEqualTo("SupervisedRun");
    assertThat(h.status()).isEqualTo("completed");
    assertThat(h.result().kind()).isEqualTo("WINNER");
    assertThat(h.closedAtMs()).isGreaterThan(h.startedAtMs());
    assertThat(h.workers()).containsOnlyKeys("hist-winner:s1", "hist-winner:s2");
    assertThat(h.workerDurationsMs().values()).allSatisfy(d -> assertThat(d).isPositive());
    assertThat(LedgerTotals.of(h.ledger()).spentTotal().sameAs(h.result().spentTotal())).isTrue();
  }

  @Test
  void evalRecord_runWithoutEvalRun_isNull() {
    assertThat(RunHistory.parse(WINNER).evalRecord("hist-winner", 0)).isNull();
  }

  @Test
  void evalRecord_closedRunWithEvalRun_isItsFinishedRecord() {
    RunHistory h = RunHistory.parse(withEvalRun(WINNER));

    EvalRunEvent e = h.evalRecord("hist-winner", 0);

    assertThat(e.status()).isEqualTo(EvalRunEvent.FINISHED);
    assertThat(e.runDir()).isEqualTo("runs/w");
    assertThat(e.labels()).containsEntry("k", "v");
    assertThat(e.totalCostUsd()).isEqualByComparingTo(new BigDecimal("0.0074"));
    assertThat(e.totalDurationMs()).isEqualTo(h.closedAtMs() - h.startedAtMs());
    List<LedgerEntry.Settled> settled =
        h.ledger().stream()
            .filter(LedgerEntry.Settled.class::isInstance)
            .map(LedgerEntry.Settled.class::cast)
            .toList();
    assertThat(e.generations())
        .extracting(Generation::surfaceHash)
        .containsExactly(settled.get(0).outRef(), settled.get(1).outRef());
    assertThat(e.generations())
        .extracting(Generation::durationMs)
        .containsExactly(
            h.workerDurationsMs().get(settled.get(0).id()),
            h.workerDurationsMs().get(settled.get(1).id()));
  }

  @Test
  void evalRecord_openRun_isItsProgressSoFar() {
    // The first 16 events: the run has spawned its workers and none has settled.
    RunHistory h = RunHistory.parse(Histories.firstEvents(withEvalRun(WINNER), 16));

    EvalRunEvent e = h.evalRecord("hist-winner", h.startedAtMs() + 5000);

    assertThat(h.status()).isEqualTo(RunHistory.RUNNING);
    assertThat(e.status()).isEqualTo(EvalRunEvent.GENERATION_COMPLETE);
    assertThat(e.generations()).isEmpty();
    assertThat(e.totalDurationMs()).isEqualTo(5000);
    assertThat(e.totalCostUsd()).isEqualByComparingTo(new BigDecimal("0.0015"));
  }

  @Test
  void parse_notAHistory_saysWhatItExpected() {
    assertThatThrownBy(() -> RunHistory.parse("{\"events\":[]}"))
        .hasMessageContaining("non-empty \"events\" array");
    assertThatThrownBy(() -> RunHistory.parse("{\"events\":[{\"eventId\":\"1\"}]}"))
        .hasMessageContaining("WorkflowExecutionStarted");
  }
}
