package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import java.util.List;

/**
 * The {@code stats} query of {@code Observer}: the aggregates and the observer's own bookkeeping.
 *
 * @param aggregates every op ever logged, counted by kind, profile, model, outcome and reason
 * @param revision the playbook version
 * @param generation how many times the observer continued as new
 * @param opsThisRun ops logged by the current run (bounded by continue-as-new)
 * @param duplicates reports dropped as already logged
 * @param refused reports dropped as invalid, the latest with why
 * @param digests digests kept
 * @param model the diagnosis model, or null
 * @param budget the observer's own budget
 * @param spent what its model calls spent
 * @param nextDigestAtMs when the timer loop writes its next digest, or null when it is off
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObserverStats(
    OpsAggregates aggregates,
    long revision,
    long generation,
    long opsThisRun,
    long duplicates,
    List<String> refused,
    int digests,
    String model,
    Budget budget,
    Spend spent,
    Long nextDigestAtMs) {}
