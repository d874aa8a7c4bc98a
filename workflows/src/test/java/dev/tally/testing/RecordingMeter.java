package dev.tally.testing;

import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.meter.MeterReceipt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A {@code Meter} double that keeps every batch, deduplicating by entry key like the real one. */
public final class RecordingMeter implements MeterActivities {
  private final List<MeterBatch> batches = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> keys = Collections.synchronizedSet(new HashSet<>());

  @Override
  public MeterReceipt meter(MeterBatch batch) {
    batches.add(batch);
    int fresh = 0;
    for (var e : batch.entries()) {
      if (keys.add(e.key(batch.runId()))) {
        fresh++;
      }
    }
    return new MeterReceipt(fresh, batch.entries().size() - fresh);
  }

  public List<MeterBatch> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }
}
