package dev.tally.supervise;

import dev.tally.ledger.LedgerTotals;

/**
 * A nested driver: a supervised run on the worker's own reservation. It reports its inference apart
 * from its children's work, so the parent can re-home it as one entry on this node.
 */
final class DriverWorker implements WorkerRun {
  private final WorkerAssignment a;
  private final Supervisor driver;

  DriverWorker(WorkerAssignment assignment, Inbox inbox) {
    this.a = assignment;
    RunRequest nested = a.run().nested(a.task(), a.budget());
    RunState state =
        RunState.fresh(a.nodeId(), WorkerProfiles.DRIVER, a.depth(), nested, a.usdCapped(), inbox);
    state.reportProgressTo = a.parentId();
    this.driver = new Supervisor(state);
  }

  @Override
  public WorkerOutcome run() {
    RunResult r = driver.run();
    LedgerTotals totals = driver.ledgerView().totals();
    String status =
        RunResult.WINNER.equals(r.kind())
            ? WorkerOutcome.DONE
            : RunResult.CANCELLED.equals(r.reason()) ? WorkerOutcome.CANCELLED : WorkerOutcome.DOWN;
    String reason = r.reason() == null ? null : r.reason() + ": " + r.detail();
    return new WorkerOutcome(
        a.nodeId(),
        status,
        r.output(),
        r.outRef(),
        r.verdict(),
        totals.driverInference(),
        totals.childWork(),
        reason,
        RunResult.DRIVER_FAILED.equals(r.reason()) ? Boolean.TRUE : null,
        a.run().driverOrDefault().model(),
        driver.turns());
  }

  @Override
  public void steer(String instruction) {
    driver.steer(instruction);
  }

  /** A progress report from one of this driver's own workers. */
  void progress(WorkerProgress progress) {
    driver.progress(progress);
  }

  @Override
  public void cancel() {
    // The inbox holds the cancel; the driver's loop sees it at its next step.
  }

  @Override
  public RunStatus status() {
    return driver.status();
  }

  LedgerView ledgerView() {
    return driver.ledgerView();
  }
}
