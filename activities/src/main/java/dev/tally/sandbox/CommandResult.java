package dev.tally.sandbox;

/**
 * What a command run in a session did.
 *
 * @param exitCode its exit code; 124 when it was stopped for running too long
 * @param stdout its standard output, the tail kept when longer than asked for
 * @param stderr its standard error, the tail kept
 * @param truncated whether {@code stdout} was cut
 * @param timedOut whether it was stopped for running too long
 */
public record CommandResult(
    int exitCode, String stdout, String stderr, boolean truncated, boolean timedOut) {
  /** The exit code conventionally used for a command stopped by a timeout. */
  public static final int TIMED_OUT = 124;
}
