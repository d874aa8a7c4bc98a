package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.Spend;

/**
 * A live worker's spend so far, reported to its parent after each of its turns ({@code
 * workerProgress} signal), so {@code observe_worker} can show it before the worker settles.
 *
 * @param workerId the worker's node id
 * @param spent everything it has spent so far (a nested driver: its turns and settled children)
 * @param turns model calls made so far
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerProgress(String workerId, Spend spent, int turns) {
  public static final String SIGNAL = "workerProgress";
}
