package dev.tally.supervise;

import dev.tally.ledger.LedgerTotals;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * A spawned worker of any {@link WorkerKind}. The outcome, never a failure, goes back to the
 * parent: as this workflow's result, and also by signal once the parent has said it
 * continues-as-new (the run that started the worker then no longer takes its result).
 */
public final class WorkerTaskWorkflowImpl implements WorkerTaskWorkflow {
  private static final Logger log = Workflow.getLogger(WorkerTaskWorkflowImpl.class);

  private final Inbox inbox = new Inbox();
  private WorkerAssignment assignment;
  private WorkerRun worker;
  private String reportTo;

  @Override
  public WorkerOutcome run(WorkerAssignment a) {
    assignment = a;
    worker = WorkerKinds.named(a.profile()).start(a, inbox);
    WorkerOutcome outcome = worker.run();
    if (reportTo != null) {
      report(reportTo, outcome);
    }
    return outcome;
  }

  @Override
  public void reportTo(String parentWorkflowId) {
    reportTo = parentWorkflowId;
  }

  private static void report(String parent, WorkerOutcome outcome) {
    try {
      Workflow.newUntypedExternalWorkflowStub(parent).signal("workerEnded", outcome);
    } catch (RuntimeException e) {
      // The parent's chain has closed: nobody is left to settle with, the result stays here.
      log.info("outcome of {} not reported to {}: {}", outcome.nodeId(), parent, e.getMessage());
    }
  }

  @Override
  public void steer(SteerRequest request) {
    boolean steerable =
        worker != null && WorkerKinds.named(assignment.profile()).notSteerable() == null;
    if (steerable && request != null && request.instruction() != null) {
      worker.steer(request.instruction());
    }
  }

  @Override
  public void workerProgress(WorkerProgress progress) {
    if (worker instanceof DriverWorker driver) {
      driver.progress(progress);
    }
  }

  @Override
  public void cancel(CancelRequest request) {
    inbox.cancel(request);
    if (worker != null) {
      worker.cancel();
    }
  }

  @Override
  public RunStatus status() {
    return worker == null ? RunStatus.starting(null, inbox) : worker.status();
  }

  @Override
  public LedgerView ledger() {
    if (worker instanceof DriverWorker driver) {
      return driver.ledgerView();
    }
    return new LedgerView(
        Workflow.getInfo().getWorkflowId(), List.of(), LedgerTotals.of(List.of()));
  }
}
