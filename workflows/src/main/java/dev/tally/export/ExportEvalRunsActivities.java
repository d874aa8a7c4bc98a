package dev.tally.export;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Files eval-run events with Tangle Intelligence, or in the local outbox when there is no key. */
@ActivityInterface
public interface ExportEvalRunsActivities {
  /**
   * Activity type {@code ExportEvalRuns}. Safe to repeat: the batch's idempotency key makes a
   * re-post an upsert.
   */
  @ActivityMethod(name = "ExportEvalRuns")
  ExportReceipt exportEvalRuns(EvalRunBatch batch);
}
