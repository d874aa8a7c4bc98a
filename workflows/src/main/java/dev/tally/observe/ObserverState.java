package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Spend;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything an observer carries across continue-as-new: the input of {@code Observer}. The raw ops
 * are not carried: each run's history holds the {@code op} signals it took, and {@code tally
 * observe log} reads them back along the chain of runs.
 *
 * @param settings how it runs
 * @param generation how many times it continued as new
 * @param revision one more with every op logged and digest written: the playbook version
 * @param aggregates everything ever logged, counted
 * @param classes the stats of each task class, by class key
 * @param recentFailures the latest failures, oldest first, at most {@link #MAX_RECENT_FAILURES}
 * @param seen the latest op ids, oldest first, at most {@link #MAX_SEEN}: a retried report within
 *     them counts once
 * @param digests the digests kept, newest first, at most {@link #MAX_DIGESTS}
 * @param opsSinceDigest ops logged since the last digest
 * @param duplicates reports that were dropped as already logged
 * @param refused reports dropped as invalid, with why (the latest {@link #MAX_REFUSED})
 * @param spent what the observer's own model calls spent, every generation
 * @param turns the model calls it made, every generation
 * @param nextDigestAtMs when the timer loop writes its next digest, or null when it is off
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObserverState(
    ObserverSettings settings,
    long generation,
    long revision,
    OpsAggregates aggregates,
    Map<String, ClassStats> classes,
    List<Op> recentFailures,
    List<String> seen,
    List<Digest> digests,
    long opsSinceDigest,
    long duplicates,
    List<String> refused,
    Spend spent,
    long turns,
    Long nextDigestAtMs) {

  public static final int MAX_RECENT_FAILURES = 300;
  public static final int MAX_SEEN = 5_000;
  public static final int MAX_DIGESTS = 50;
  public static final int MAX_REFUSED = 20;

  public ObserverState {
    settings = settings == null ? ObserverSettings.DEFAULTS : settings;
    aggregates = aggregates == null ? OpsAggregates.EMPTY : aggregates;
    classes = classes == null ? new TreeMap<>() : new TreeMap<>(classes);
    recentFailures = recentFailures == null ? List.of() : List.copyOf(recentFailures);
    seen = seen == null ? List.of() : List.copyOf(seen);
    digests = digests == null ? List.of() : List.copyOf(digests);
    refused = refused == null ? List.of() : List.copyOf(refused);
    spent = spent == null ? Spend.ZERO : spent;
  }

  /** A new observer with {@code settings}. */
  public static ObserverState initial(ObserverSettings settings) {
    return new ObserverState(
        settings, 0, 0, null, null, null, null, null, 0, 0, null, Spend.ZERO, 0, null);
  }
}
