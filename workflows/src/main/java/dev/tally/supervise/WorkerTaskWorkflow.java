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

  /**
   * Sent by a parent about to continue-as-new: the run that started this worker is closing, so the
   * worker also reports its outcome by the {@code workerEnded} signal to the parent's workflow id,
   * where the chain's current run settles it.
   */
  @SignalMethod(name = "reportTo", description = "Report the outcome to this workflow id too")
  void reportTo(String parentWorkflowId);

  /** A live worker's spend so far, for a nested driver's crew. */
  @SignalMethod(name = WorkerProgress.SIGNAL, description = "A live worker's spend so far")
  void workerProgress(WorkerProgress progress);

  @QueryMethod(name = "status", description = "Phase and spend so far")
  RunStatus status();

  @QueryMethod(name = "ledger", description = "A nested driver's ledger")
  LedgerView ledger();
}
