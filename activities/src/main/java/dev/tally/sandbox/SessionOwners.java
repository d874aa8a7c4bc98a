package dev.tally.sandbox;

import java.util.Objects;

/**
 * What the sandbox janitor asks about a box it finds on this host: whether the workflow that
 * acquired it still needs it. Answered from Temporal in a worker ({@code TemporalSessionOwners}).
 */
public interface SessionOwners {
  /** Whether a session's box stays, and why. */
  enum Verdict {
    /** The owner is running and has not given up on this host: the box stays. */
    KEEP,
    /** The owner has ended, or declared this session's host lost: the box goes. */
    SWEEP,
    /** Temporal does not know the owner (retention passed, or the wrong namespace). */
    UNKNOWN
  }

  /** A verdict and the reason a log line or report gives for it. */
  record Fate(Verdict verdict, String reason) {
    public Fate {
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The fate of the box of {@code sessionId}, acquired by the workflow {@code owner} on the host
   * whose task queue is {@code hostQueue}.
   */
  Fate fate(String owner, String sessionId, String hostQueue);
}
