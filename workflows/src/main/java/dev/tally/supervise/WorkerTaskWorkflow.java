package dev.tally.supervise;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One spawned worker, a child workflow of the run that spawned it. */
@WorkflowInterface
public interface WorkerTaskWorkflow {
  String TYPE = "WorkerTask";

  @WorkflowMethod(name = TYPE)
  WorkerOutcome run(WorkerAssignment assignment);

  @SignalMethod(name = "steer", description = "An instruction for the worker's next model call")
  void steer(SteerRequest request);

  @SignalMethod(name = "cancel", description = "Stop the worker and report what it spent")
  void cancel(CancelRequest request);

  @QueryMethod(name = "status", description = "Phase and spend so far")
  RunStatus status();

  @QueryMethod(name = "ledger", description = "A nested driver's ledger")
  LedgerView ledger();
}
