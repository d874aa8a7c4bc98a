package dev.tally.meter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.LedgerEntry;
import java.util.List;

/**
 * The ledger entries one workflow task produced, written to history as the input of one {@code
 * Meter} call. Anyone holding the history can rebuild the ledger from these alone.
 *
 * @param runId the workflow id whose ledger these entries belong to
 * @param entries in ledger order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MeterBatch(String runId, List<LedgerEntry> entries) {
  public MeterBatch {
    entries = List.copyOf(entries);
  }
}
