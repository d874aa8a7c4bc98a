package dev.tally.meter;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Records ledger entries. Run as a local activity: its marker puts the entries into history at
 * about a fifth of the cost of a regular activity per step, and history is the ledger.
 */
@ActivityInterface
public interface MeterActivities {
  /** Activity type {@code Meter}; idempotent per entry key {@code <runId>/<kind>/<seq>}. */
  @ActivityMethod(name = "Meter")
  MeterReceipt meter(MeterBatch batch);
}
