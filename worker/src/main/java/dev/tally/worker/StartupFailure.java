package dev.tally.worker;

/**
 * The worker cannot start: one line for stderr and the exit code that says why (see {@link
 * WorkerMain}).
 */
final class StartupFailure extends RuntimeException {
  private final int exitCode;

  StartupFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
