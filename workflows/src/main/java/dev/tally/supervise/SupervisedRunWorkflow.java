package dev.tally.supervise;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A coordination driver that spawns workers inside one conserved budget. */
@WorkflowInterface
public interface SupervisedRunWorkflow {
  String TYPE = "SupervisedRun";

  @WorkflowMethod(name = TYPE)
  RunResult run(RunRequest request);

  @SignalMethod(name = "cancel", description = "Cancel the run: workers cancelled, ledger settled")
  void cancel(CancelRequest request);

  @SignalMethod(name = "feedback", description = "Rate the run (score 0..1, label, notes, by)")
  void feedback(Feedback feedback);

  @QueryMethod(name = "status", description = "Phase, turn, workers, pool, last error")
  RunStatus status();

  @QueryMethod(name = "ledger", description = "Ledger entries and totals")
  LedgerView ledger();
}
