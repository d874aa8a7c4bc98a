package dev.tally.sandbox;

import dev.tally.sandbox.harness.HarnessOutput;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * How a provider starts a turn's process detached from the worker and finds it again: the one part
 * of dispatch-and-poll that differs between a local process, a container and a remote box. {@link
 * DetachedTurns} does the rest (the exclusive {@code dispatched} marker, polling, the wall-clock
 * cap, the recorded outcome) the same way for each.
 *
 * <p>A started process must record its pid in the control file {@code pid} and, when it ends, its
 * exit code in {@code exit}, its output in {@code stdout} and {@code stderr}, so that a worker that
 * did not start it can still read its state.
 */
interface TurnLauncher {
  /**
   * Refuses, before anything is marked dispatched, when this launcher cannot start a turn at all
   * (nothing configured to run).
   *
   * @throws SandboxException of a permanent type
   */
  default void requireReady() {}

  /**
   * Starts the harness for {@code files}'s session in {@code cwd} with {@code promptFile} on its
   * standard input; returns the pid the worker saw.
   *
   * @throws java.io.IOException when the process cannot be started at all
   */
  long start(SessionFiles files, Path cwd, Path promptFile) throws java.io.IOException;

  /** Whether the process group led by {@code pid}, started no earlier than {@code since}, runs. */
  boolean alive(long pid, Instant since);

  /** Stops the process group led by {@code pid}; true when something was running. */
  boolean kill(long pid);

  /**
   * A finished turn's text and usage: by default the tail of {@code stdout} and Tally's own usage
   * file; a launcher that knows its harness's output format decodes it instead.
   */
  default HarnessOutput output(SessionFiles s) {
    return new HarnessOutput(
        Commands.tail(s.file("stdout"), DetachedTurns.MAX_TEXT_BYTES), s.usage());
  }

  /**
   * What a finished turn's result says about how it was run (harness, decoder); none by default.
   */
  default Map<String, String> describe(SessionFiles s) {
    return Map.of();
  }
}
