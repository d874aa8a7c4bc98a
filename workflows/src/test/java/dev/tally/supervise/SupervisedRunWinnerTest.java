package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisedRunWinnerTest {
  private final ScriptedChat chat = new ScriptedChat(Scripts.coordinator(3));
  private final RecordingMeter meter = new RecordingMeter();
  private final TemporalHarness harness = new TemporalHarness(chat, meter);

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void chatWorker_afterItsAnswer_currentDetailsShowPhaseCallsAndTokensForTheUi() {
    harness.newRun("run-details").run(Requests.basic("compare three options"));

    WorkflowMetadata metadata =
        harness
            .client()
            .newUntypedWorkflowStub("run-details:s1")
            .query(WorkflowClient.QUERY_TYPE_WORKFLOW_METADATA, WorkflowMetadata.class);
    assertThat(metadata.getCurrentDetails())
        .isEqualTo(
            "**chat worker w1** done · 1 call(s) of 1 · tokens spent "
                + (Scripts.WORKER_IN + Scripts.WORKER_OUT)
                + " of 5000");
  }

  @Test
  void run_threeWorkersDeliver_winnerWithExactSpentTotalAndBreakdown() {
    RunResult result = harness.newRun("run-winner").run(Requests.basic("compare three options"));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    // All three score 1.0: the first to settle wins the tie.
    LedgerEntry.Settled first =
        harness.existing("run-winner").ledger().entries().stream()
            .filter(e -> e instanceof LedgerEntry.Settled)
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(result.winnerId()).isEqualTo(first.id());
    String part = first.id().substring(first.id().length() - 1);
    assertThat(result.output()).isEqualTo("answer to part " + part);
    assertThat(result.outRef()).isEqualTo(dev.tally.json.Json.contentRef(result.output()));
    assertThat(first.outRef()).isEqualTo(result.outRef());
    assertThat(result.downCount()).isZero();

    // Driver: spawn turn, then awaits until three settled (at most three), then stop, then final.
    long driverTurns = chat.billed().stream().filter(b -> b.role().equals("driver")).count();
    long workerCalls = chat.billed().stream().filter(b -> b.role().equals("worker")).count();
    assertThat(workerCalls).isEqualTo(3);
    Spend expectedDriver =
        new Spend(
            0,
            driverTurns * Scripts.DRIVER_IN,
            driverTurns * Scripts.DRIVER_OUT,
            new BigDecimal(Scripts.DRIVER_USD).multiply(BigDecimal.valueOf(driverTurns)),
            0,
            true,
            UsdSource.BILLED);
    Spend expectedWork =
        new Spend(
            3,
            3 * Scripts.WORKER_IN,
            3 * Scripts.WORKER_OUT,
            new BigDecimal(Scripts.WORKER_USD).multiply(BigDecimal.valueOf(3)),
            0,
            true,
            UsdSource.BILLED);
    assertThat(result.spentBreakdown().driverInference().sameAs(expectedDriver))
        .as("driver inference %s", result.spentBreakdown().driverInference())
        .isTrue();
    assertThat(result.spentBreakdown().childWork().sameAs(expectedWork))
        .as("child work %s", result.spentBreakdown().childWork())
        .isTrue();
    assertThat(result.spentTotal().sameAs(expectedDriver.plus(expectedWork))).isTrue();
  }

  @Test
  void ledger_rebuiltFromHistoryAlone_equalsSpentTotalAndLedgerQuery() {
    RunResult result = harness.newRun("run-rebuild").run(Requests.basic("rebuild me"));

    List<LedgerEntry> rebuilt = LedgerRebuilder.fromHistoryJson(harness.historyJson("run-rebuild"));
    LedgerView queried = harness.existing("run-rebuild").ledger();

    assertThat(rebuilt).isEqualTo(queried.entries());
    assertThat(LedgerTotals.of(rebuilt).spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(queried.totals().spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(rebuilt.stream().map(LedgerEntry::kind))
        .containsOnly("spawned", "settled", "metered");
    assertThat(rebuilt.stream().filter(e -> e.kind().equals("spawned"))).hasSize(3);
    assertThat(rebuilt.stream().filter(e -> e instanceof LedgerEntry.Settled))
        .allMatch(e -> "scripted-model".equals(((LedgerEntry.Settled) e).model()));
  }

  @Test
  void status_afterRun_showsDonePhaseNoOpenReservationAndEveryWorkerSettled() {
    harness.newRun("run-status").run(Requests.basic("status please"));

    RunStatus status = harness.existing("run-status").status();

    assertThat(status.phase()).isEqualTo("done");
    assertThat(status.pool().openReservations()).isZero();
    assertThat(status.pool().reservedTokens()).isZero();
    assertThat(status.workers()).extracting(RunStatus.WorkerView::status).containsOnly("done");
    assertThat(status.result().kind()).isEqualTo(RunResult.WINNER);
  }
}
