package dev.tally.meter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@code Meter} that only remembers what it was given. */
public final class RecordingMeter implements MeterActivities {
  private final List<MeterBatch> batches = Collections.synchronizedList(new ArrayList<>());

  @Override
  public MeterReceipt meter(MeterBatch batch) {
    batches.add(batch);
    return new MeterReceipt(batch.entries().size(), 0);
  }

  public List<MeterBatch> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }
}
