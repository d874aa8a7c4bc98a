package dev.tally.supervise;

import dev.tally.ledger.LedgerTotals;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * A spawned worker. A chat worker answers with router calls; a driver worker runs a nested
 * supervised run on its own reservation and reports its inference apart from its children's work,
 * so the parent can re-home it. Either way the outcome, never a failure, goes back to the parent.
 */
public final class WorkerTaskWorkflowImpl implements WorkerTaskWorkflow {
  private final Inbox inbox = new Inbox();
  private ChatWorker chat;
  private SandboxWorker sandbox;
  private Supervisor driver;

  @Override
  public WorkerOutcome run(WorkerAssignment assignment) {
    if (WorkerProfiles.DRIVER.equals(assignment.profile())) {
      return runDriver(assignment);
    }
    if (WorkerProfiles.SANDBOX.equals(assignment.profile())) {
      sandbox = new SandboxWorker(assignment, inbox);
      return sandbox.run();
    }
    chat = new ChatWorker(assignment, inbox);
    return chat.run();
  }

  private WorkerOutcome runDriver(WorkerAssignment a) {
    RunRequest nested = a.run().nested(a.task(), a.budget());
    driver =
        new Supervisor(a.nodeId(), WorkerProfiles.DRIVER, a.depth(), nested, a.usdCapped(), inbox);
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
        nested.driverOrDefault().model(),
        driver.turns());
  }

  @Override
  public void steer(SteerRequest request) {
    if (chat != null && request != null && request.instruction() != null) {
      chat.steer(request.instruction());
    }
  }

  @Override
  public void cancel(CancelRequest request) {
    inbox.cancel(request);
    if (sandbox != null) {
      sandbox.cancel();
    }
  }

  @Override
  public RunStatus status() {
    if (driver != null) {
      return driver.status();
    }
    if (chat != null) {
      return chat.status();
    }
    if (sandbox != null) {
      return sandbox.status();
    }
    return new RunStatus(
        Workflow.getInfo().getWorkflowId(),
        null,
        "starting",
        0,
        List.of(),
        null,
        null,
        null,
        List.of(),
        null);
  }

  @Override
  public LedgerView ledger() {
    if (driver != null) {
      return driver.ledgerView();
    }
    return new LedgerView(
        Workflow.getInfo().getWorkflowId(), List.of(), LedgerTotals.of(List.of()));
  }
}
