package dev.tally.supervise;

import dev.tally.ledger.Budget;
import dev.tally.ledger.PoolReadout;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
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

  /**
   * A worker's outcome, sent by the worker itself as it ends: the run that spawned it may have
   * continued-as-new since, and then only the signal reaches the current run. The first report of a
   * worker settles it; a later one (its completion, a retried signal) changes nothing.
   */
  @SignalMethod(name = "workerEnded", description = "A worker reports its outcome (internal)")
  void workerEnded(WorkerOutcome outcome);

  /** A live worker's spend so far (sent by a nested driver after each turn). */
  @SignalMethod(name = WorkerProgress.SIGNAL, description = "A live worker's spend so far")
  void workerProgress(WorkerProgress progress);

  @SignalMethod(name = "feedback", description = "Rate the run (score 0..1, label, notes, by)")
  void feedback(Feedback feedback);

  /**
   * The same rating as the {@code feedback} signal, for senders that need to know it was taken: the
   * validator refuses a bad rating with a message naming the field, before anything is recorded; an
   * accepted one returns how many ratings the run now holds.
   */
  @UpdateMethod(name = "rate", description = "Rate the run; a bad rating is refused by name")
  int rate(Feedback feedback);

  @UpdateValidatorMethod(updateName = "rate")
  void validateRate(Feedback feedback);

  /**
   * Raises the root's ceilings, raise-only: each field given must be above the current ceiling
   * ({@code deadlineMs} stays relative to the run's start). A paused run resumes. Returns the pool
   * as it is after the raise.
   */
  @UpdateMethod(
      name = "raiseBudget",
      description = "Raise the run's ceilings; a paused run resumes")
  PoolReadout raiseBudget(Budget raise);

  @UpdateValidatorMethod(updateName = "raiseBudget")
  void validateRaiseBudget(Budget raise);

  @QueryMethod(name = "status", description = "Phase, turn, workers, pool, last error")
  RunStatus status();

  @QueryMethod(name = "ledger", description = "Ledger entries and totals")
  LedgerView ledger();
}
