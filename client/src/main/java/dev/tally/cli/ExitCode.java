package dev.tally.cli;

/** What {@code tally}'s exit status means; documented in the README and in {@code tally --help}. */
public final class ExitCode {
  /** The command did what was asked (for a run: it ended with a winner). */
  public static final int OK = 0;

  /** A run ended without a winner, or the command failed for another reason. */
  public static final int FAILED = 1;

  /** Bad usage: an unknown flag, a missing argument, a value out of range. */
  public static final int USAGE = 2;

  /** The run (workflow id) does not exist in that namespace. */
  public static final int NOT_FOUND = 3;

  /** The Temporal server cannot be reached at the given address. */
  public static final int UNREACHABLE = 4;

  /** The footer every help screen shows. */
  static final String HELP_FOOTER =
      "%nExit codes: 0 ok (a run ended with a winner), 1 run ended without a winner or error,"
          + " 2 bad usage, 3 run not found, 4 Temporal server unreachable.";

  private ExitCode() {}
}
