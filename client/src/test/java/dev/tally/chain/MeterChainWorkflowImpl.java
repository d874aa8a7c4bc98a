package dev.tally.chain;

import dev.tally.ledger.Budget;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.Policies;
import dev.tally.supervise.RunResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Writes {@code batchesPerRun} batches per run, each a metered turn, a spawned and a settled
 * worker, through the {@code Meter} local activity as Tally's runs do; then continues-as-new with
 * its {@link dev.tally.ledger.LedgerState}, so every continued run starts with a {@code carried}
 * entry. Two variations exercise the reader: the second run writes its first batch as a scheduled
 * (regular) activity instead of a marker, and every run writes its second batch twice.
 */
public final class MeterChainWorkflowImpl implements MeterChainWorkflow {
  private final MeterActivities localMeter =
      Workflow.newLocalActivityStub(MeterActivities.class, Policies.meter());
  private final MeterActivities scheduledMeter =
      Workflow.newActivityStub(
          MeterActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
  private Ledger ledger;

  @Override
  public RunResult run(MeterChainInput input) {
    String id = Workflow.getInfo().getWorkflowId();
    ledger =
        input.carried() == null
            ? new Ledger(id)
            : Ledger.continued(
                input.carried(), Workflow.getInfo().getContinuedExecutionRunId().orElseThrow());
    if (ledger.hasUnwritten()) {
      localMeter.meter(new MeterBatch(id, ledger.takeUnwritten()));
    }
    for (int b = 0; b < input.batchesPerRun(); b++) {
      int turn = input.run() * input.batchesPerRun() + b;
      ledger.metered(id, spend(0, 100 + turn, 10 + turn, "0.0001"), "model-driver", turn);
      String child = id + ":s" + ledger.nextSpawnOrdinal();
      ledger.spawned(child, id, "w" + turn, "chat", new Budget(1L, 1_000L, null, null));
      ledger.settled(
          child,
          LedgerEntry.Settled.DONE,
          null,
          null,
          spend(1, 20 + turn, 30, "0.00002"),
          null,
          null,
          null,
          "model-worker");
      MeterBatch batch = new MeterBatch(id, ledger.takeUnwritten());
      if (input.run() == 1 && b == 0) {
        scheduledMeter.meter(batch);
      } else {
        localMeter.meter(batch);
      }
      if (b == 1) {
        localMeter.meter(batch);
      }
    }
    if (input.run() == 0) {
      ledger.raised(new Budget(100L, 1_000_000L, new BigDecimal("5"), null));
      localMeter.meter(new MeterBatch(id, ledger.takeUnwritten()));
    }
    if (input.run() + 1 < input.runs()) {
      Workflow.continueAsNew(input.next(ledger.state()));
    }
    LedgerTotals totals = ledger.totals();
    return new RunResult(
        RunResult.NO_WINNER,
        null,
        null,
        null,
        null,
        "test",
        "meter chain of " + input.runs() + " runs",
        null,
        0,
        totals.spentTotal(),
        new RunResult.SpentBreakdown(totals.driverInference(), totals.childWork()));
  }

  @Override
  public LedgerView ledger() {
    if (ledger == null) {
      return new LedgerView(
          Workflow.getInfo().getWorkflowId(), List.of(), LedgerTotals.of(List.of()));
    }
    return new LedgerView(ledger.runId(), ledger.entries(), ledger.totals());
  }

  private static Spend spend(long iterations, long in, long out, String usd) {
    return new Spend(iterations, in, out, new BigDecimal(usd), 0, true, UsdSource.BILLED);
  }
}
