package dev.tally.sandbox;

import java.time.Duration;

/**
 * Where sandbox sessions run. Every method is idempotent on the session id: it may be called again
 * after a retry or by a freshly started worker, and it finds the session's existing box, process or
 * recorded outcome rather than making new ones.
 *
 * <p>Failures are {@link SandboxException}s carrying a {@link SandboxFailures} type.
 */
public interface SandboxProvider {
  /** A short name, e.g. {@code local}. */
  String name();

  /** Makes the session's box, or returns the one it already has. */
  SandboxLease acquire(AcquireSandboxRequest request, Runnable heartbeat);

  /**
   * {@link #acquire(AcquireSandboxRequest, Runnable)} on behalf of the workflow {@code owner},
   * which a provider that keeps boxes beyond a worker's life records so that a box whose workflow
   * has ended (or has given up on this host) can be swept later.
   */
  default SandboxLease acquire(AcquireSandboxRequest request, String owner, Runnable heartbeat) {
    return acquire(request, heartbeat);
  }

  /** One dispatch-or-poll pass of the session's turn. */
  TurnTick drive(DriveTurnRequest request);

  /** Stops the session's turn for good; later passes answer {@code failed}. */
  SessionReceipt cancel(SessionRequest request);

  /** Frees the session's box; later acquires of it are refused. */
  SessionReceipt release(SessionRequest request);

  /**
   * Runs a shell command in the session's working copy.
   *
   * @param keepBytes how much of each output stream to keep (the tail)
   * @param heartbeat called about once a second while the command runs; it may throw to stop it
   */
  CommandResult exec(
      String sessionId, String command, Duration timeout, int keepBytes, Runnable heartbeat);
}
