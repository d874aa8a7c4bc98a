package dev.tally.meter;

import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Meter} activity: logs each ledger entry once and hands it to the configured sinks.
 *
 * <p>The ledger itself is the workflow history (the entries are this activity's input); this
 * activity only feeds the outside world. A local activity may run again after a failed attempt, so
 * entries are deduplicated by key in a bounded, insertion-ordered set: it covers retries, which
 * come seconds apart, without growing forever in a long-lived worker. An entry evicted from the
 * set, or seen by a restarted worker, is passed on again, which is why sinks get the key to
 * deduplicate on themselves.
 */
public final class MeterActivitiesImpl implements MeterActivities {
  /** Keys remembered: far more than the entries in flight between retries of any batch. */
  public static final int DEFAULT_REMEMBERED_KEYS = 100_000;

  private static final Logger log = LoggerFactory.getLogger(MeterActivitiesImpl.class);

  private final List<LedgerSink> sinks;
  private final Map<String, Boolean> seen;

  /** A meter that only logs. */
  public MeterActivitiesImpl() {
    this(List.of());
  }

  /** A meter that logs and feeds {@code sinks}, in order. */
  public MeterActivitiesImpl(List<LedgerSink> sinks) {
    this(sinks, DEFAULT_REMEMBERED_KEYS);
  }

  /** As {@link #MeterActivitiesImpl(List)}, remembering at most {@code rememberedKeys} keys. */
  public MeterActivitiesImpl(List<LedgerSink> sinks, int rememberedKeys) {
    this.sinks = List.copyOf(Objects.requireNonNull(sinks, "sinks"));
    if (rememberedKeys < 1) {
      throw new IllegalArgumentException(
          "rememberedKeys: expected at least 1, got " + rememberedKeys);
    }
    this.seen =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > rememberedKeys;
          }
        };
  }

  @Override
  public MeterReceipt meter(MeterBatch batch) {
    Objects.requireNonNull(batch, "batch");
    int recorded = 0;
    int duplicates = 0;
    for (LedgerEntry entry : batch.entries()) {
      String key = entry.key(batch.runId());
      if (!firstTime(key)) {
        duplicates++;
        log.debug("ledger {} already recorded", key);
        continue;
      }
      recorded++;
      // Entries hold ids, budgets, spends and model names: nothing secret, so they are logged
      // whole.
      log.info("ledger {} {}", key, Json.canonical(entry));
      for (LedgerSink sink : sinks) {
        sink.record(key, batch.runId(), entry);
      }
    }
    return new MeterReceipt(recorded, duplicates);
  }

  private boolean firstTime(String key) {
    synchronized (seen) {
      return seen.put(key, Boolean.TRUE) == null;
    }
  }
}
