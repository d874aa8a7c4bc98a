package dev.tally.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runs a reviewer command in a validated candidate's working copy and reads the {@code CoderReview}
 * it prints. Fail-closed: a command that exits non-zero, times out or prints no usable review
 * yields a not-approved review whose notes say why.
 */
public final class CommandReviews {
  /** Most of the reviewer's output kept (the tail, where the verdict is). */
  static final int OUTPUT_BYTES = 64 * 1024;

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  private final SandboxProvider sandbox;
  private final Duration timeout;

  public CommandReviews(SandboxProvider sandbox, Duration timeout) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public CoderReview review(ReviewChangeRequest request, Runnable heartbeat) {
    String base = request.baseCommit();
    // The base commit is the only value spliced into the shell line, so it must be a commit id.
    String prefix =
        base != null && COMMIT.matcher(base).matches()
            ? "TALLY_BASE_COMMIT=" + base + "; export TALLY_BASE_COMMIT; "
            : "";
    CommandResult r =
        sandbox.exec(
            request.sessionId(), prefix + request.command(), timeout, OUTPUT_BYTES, heartbeat);
    if (r.timedOut()) {
      return CoderReview.failed(
          "reviewer command `"
              + request.command()
              + "` timed out after "
              + timeout.toSeconds()
              + " s");
    }
    if (r.exitCode() != 0) {
      String err = r.stderr().strip();
      return CoderReview.failed(
          "reviewer command `"
              + request.command()
              + "` exited with "
              + r.exitCode()
              + (err.isEmpty() ? "" : ": " + err));
    }
    return CoderReviews.parse(r.stdout());
  }
}
