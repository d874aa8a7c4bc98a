package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import java.util.List;

/** Query {@code ledger}: every entry so far and their totals. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LedgerView(String runId, List<LedgerEntry> entries, LedgerTotals totals) {}
