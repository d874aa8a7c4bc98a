package dev.tally.meter;

import dev.tally.ledger.LedgerEntry;

/**
 * Somewhere ledger entries go besides history: metrics, an external metering service. A sink may
 * see an entry again after a worker restart, so it should deduplicate on {@code key}.
 */
public interface LedgerSink {
  /**
   * Receives one entry the first time this process records it.
   *
   * @param key {@code <runId>/<kind>/<seq>}, stable across retries and replays
   * @param runId the run whose ledger holds the entry
   * @param entry the entry
   */
  void record(String key, String runId, LedgerEntry entry);
}
