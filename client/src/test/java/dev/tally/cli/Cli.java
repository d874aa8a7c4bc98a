package dev.tally.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs {@code tally} in-process, as {@code main} would, with output captured. */
final class Cli {
  /** Watchers poll quickly in tests; the run's pace is set by the server, not by this. */
  static final Duration POLL = Duration.ofMillis(100);

  private Cli() {}

  /** What one invocation printed and returned. */
  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  static Result run(Map<String, String> env, String... args) {
    return run(env, StopSignal.manual(), args);
  }

  static Result run(Map<String, String> env, StopSignal stop, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true)) {
      code = TallyCli.commandLine(env, stop, POLL, o, e).execute(args);
    }
    return new Result(code, out.toString(), err.toString());
  }
}
