package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of a {@link Ledger} a run carries across continue-as-new: the counters that number its
 * entries, so {@code seq} never repeats along the chain, and the totals the {@code carried} entry
 * starts the next run with. The entries themselves stay in the history of the run that wrote them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LedgerState(
    String runId,
    long spawnSeq,
    long cursorSeq,
    long meterSeq,
    long carrySeq,
    long raiseSeq,
    LedgerTotals totals) {}
