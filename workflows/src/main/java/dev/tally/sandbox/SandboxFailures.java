package dev.tally.sandbox;

import java.util.List;

/** Typed failure names of the sandbox activities; the permanent ones are never retried. */
public final class SandboxFailures {
  /** The worker has no sandbox harness configured ({@code TALLY_LOCAL_HARNESS}). */
  public static final String SANDBOX_NOT_CONFIGURED = "SandboxNotConfigured";

  /** The box cannot be made: the repository is missing, unreadable, or not a directory. */
  public static final String SANDBOX_UNAVAILABLE = "SandboxUnavailable";

  /** A session id or reference is malformed. */
  public static final String INVALID_SESSION = "InvalidSession";

  /** The session was released; it cannot be acquired or driven again. */
  public static final String SESSION_RELEASED = "SessionReleased";

  /** The session has no box: it was never acquired on this provider. */
  public static final String SESSION_UNKNOWN = "SessionUnknown";

  /** A turn's own failure: the harness said {@code failed} (exit code, crash, cancelled box). */
  public static final String TURN_FAILED = "TurnFailed";

  /** The session ran past its wall-clock cap and was stopped. */
  public static final String WALL_CLOCK_CAP_EXCEEDED = "WallClockCapExceeded";

  /** Settling refused the turn's result (a coder change broke a validation rule). */
  public static final String VALIDATION_REFUSED = "ValidationRefused";

  /** A sandbox activity failed for good without saying why in a typed way. */
  public static final String SANDBOX_ERROR = "SandboxError";

  /**
   * The session's host did not pick up one of its activities within the host timeout ({@code
   * TALLY_SANDBOX_HOST_TIMEOUT}): the box and any harness are on that host, so the turn is never
   * re-dispatched elsewhere, and this is not the harness's own failure.
   */
  public static final String SANDBOX_HOST_LOST = "SandboxHostLost";

  /** The turn was cancelled (signal or Temporal cancellation). */
  public static final String CANCELLED = "Cancelled";

  /** Failure types no sandbox activity retries. */
  public static final List<String> NON_RETRYABLE =
      List.of(
          SANDBOX_NOT_CONFIGURED,
          SANDBOX_UNAVAILABLE,
          INVALID_SESSION,
          SESSION_RELEASED,
          SESSION_UNKNOWN);

  private SandboxFailures() {}
}
