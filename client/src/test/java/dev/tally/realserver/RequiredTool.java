package dev.tally.realserver;

import org.junit.jupiter.api.Assumptions;

/**
 * A tool a real-path suite needs (the temporal CLI, chromium, node packages). Absent, the suite is
 * skipped with the reason, or, under {@code -Dtally.requireTools=true} (what {@code .ci/run}
 * passes), it fails: in CI a suite that silently skips is not a suite.
 */
public final class RequiredTool {
  /** The switch {@code .ci/run} sets. */
  public static final String SWITCH = "tally.requireTools";

  private RequiredTool() {}

  public static boolean required() {
    return Boolean.getBoolean(SWITCH);
  }

  /**
   * Skips (or fails, under the switch) the calling test when {@code present} is false.
   *
   * @param what the tool, as a person would name it
   * @param howToGetIt what installs it
   */
  public static void need(boolean present, String what, String howToGetIt) {
    if (present) {
      return;
    }
    String message = what + " not found; " + howToGetIt;
    if (required()) {
      throw new AssertionError(
          message + " (-D" + SWITCH + "=true: a missing tool fails the build)");
    }
    Assumptions.abort(message + " (skipped; -D" + SWITCH + "=true makes this a failure)");
  }
}
