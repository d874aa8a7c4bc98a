package dev.tally.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.sandbox.harness.HarnessOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent dispatch-and-poll of one detached turn over a session's control files, whatever starts
 * the process ({@link TurnLauncher}): the first pass creates the {@code dispatched} marker
 * exclusively and then starts the harness, so no retry, restart or second worker can ever start a
 * turn twice; every later pass reads the process's state from the files it leaves; the first
 * terminal state is recorded and every later pass answers exactly it.
 *
 * <p>Callers hold the session's lock around every call.
 */
final class DetachedTurns {
  private static final Logger log = LoggerFactory.getLogger(DetachedTurns.class);

  /** How long after dispatch a missing pid means the process never started. */
  static final Duration START_GRACE = Duration.ofSeconds(60);

  /** Most of a turn's output kept as its text (the tail, where agents put their summary). */
  static final int MAX_TEXT_BYTES = 256 * 1024;

  /** Most of a turn's standard error kept in a failure or result. */
  static final int STDERR_TAIL_BYTES = 4 * 1024;

  private final TurnLauncher launcher;

  DetachedTurns(TurnLauncher launcher) {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
  }

  /** One pass: the recorded outcome, else a dispatch (first pass) or a poll. */
  TurnTick drive(SessionFiles s, Path cwd, String prompt, Long wallCapMs) {
    if (s.outcome().isPresent()) {
      return s.outcome().get();
    }
    if (s.has("released")) {
      throw new SandboxException(
          SandboxFailures.SESSION_RELEASED, "session " + s.id() + " was released");
    }
    if (s.has("cancelled")) {
      return s.persist(TurnTick.failed("session cancelled: " + s.text("cancelled"), null));
    }
    if (!s.has("dispatched")) {
      return dispatch(s, cwd, prompt == null ? "" : prompt);
    }
    return poll(s, wallCapMs);
  }

  /**
   * Stops the turn for good: later passes answer {@code failed}.
   *
   * @return what happened, for the receipt
   */
  SessionReceipt cancel(SessionFiles s, String reason) {
    if (s.outcome().isPresent()) {
      return new SessionReceipt(
          s.id(), false, "turn had already ended: " + s.outcome().get().state());
    }
    String why = reason == null ? "cancelled" : reason;
    s.write("cancelled", why);
    boolean stopped = stop(s);
    if (s.has("dispatched")) {
      s.persist(TurnTick.failed("session cancelled: " + why, s.usage()));
    }
    return new SessionReceipt(
        s.id(), true, stopped ? "harness process group stopped" : "no harness process was running");
  }

  /** Stops the turn's process if one runs; true when one did. */
  boolean stop(SessionFiles s) {
    Long pid = s.pid();
    return pid != null && launcher.kill(pid);
  }

  private TurnTick dispatch(SessionFiles s, Path cwd, String prompt) {
    launcher.requireReady();
    s.write("prompt.txt", prompt);
    // Created before the process starts: a crash in between leaves a dispatched session with no
    // pid, which fails after START_GRACE rather than ever starting a second process.
    if (!s.createOnce("dispatched", Long.toString(System.currentTimeMillis()))) {
      return poll(s, null);
    }
    try {
      long pid = launcher.start(s, cwd, s.file("prompt.txt"));
      s.write("spawned", Long.toString(pid));
      log.info("{}: dispatched harness, pid {}", s.id(), pid);
    } catch (IOException e) {
      return s.persist(
          TurnTick.failed(
              "could not start the harness with setsid /bin/sh: " + e.getMessage(), null));
    }
    return TurnTick.running(0L);
  }

  private TurnTick poll(SessionFiles s, Long wallCapMs) {
    long dispatchedAt = Long.parseLong(s.text("dispatched").strip());
    long elapsed = Math.max(0, System.currentTimeMillis() - dispatchedAt);
    Long pid = s.pid();
    boolean alive = pid != null && launcher.alive(pid, Instant.ofEpochMilli(dispatchedAt));
    // Read after the liveness check: the wrapper writes its exit code before it exits, so a
    // process seen dead has already left its code here if it was going to.
    var exit = s.exitCode();
    if (exit.isPresent()) {
      return finish(s, exit.get(), dispatchedAt);
    }
    if (alive) {
      if (wallCapMs != null && elapsed > wallCapMs) {
        launcher.kill(pid);
        return s.persist(
            TurnTick.failed(
                "wall-clock cap of "
                    + wallCapMs
                    + " ms exceeded after "
                    + elapsed
                    + " ms; the harness was stopped",
                s.usage()));
      }
      return TurnTick.running(elapsed);
    }
    if (!s.has("pid")) {
      if (elapsed < START_GRACE.toMillis()) {
        return TurnTick.running(elapsed);
      }
      return s.persist(
          TurnTick.failed(
              "the harness never started: no pid recorded within "
                  + START_GRACE.toSeconds()
                  + " s of dispatch",
              null));
    }
    return s.persist(
        TurnTick.failed(
            "the harness process "
                + pid
                + " ended without recording an exit code (killed from outside?)",
            s.usage()));
  }

  private TurnTick finish(SessionFiles s, int exitCode, long dispatchedAt) {
    HarnessOutput output = launcher.output(s);
    TurnUsage usage = output.usage();
    String stderr = Commands.tail(s.file("stderr"), STDERR_TAIL_BYTES).strip();
    if (exitCode != 0) {
      return s.persist(
          TurnTick.failed(
              "harness exited with code " + exitCode + (stderr.isEmpty() ? "" : ": " + stderr),
              usage));
    }
    long stdoutBytes = s.size("stdout");
    ObjectNode result = Json.CANONICAL.createObjectNode();
    result.put("exitCode", exitCode);
    result.put("durationMs", Math.max(0, s.modifiedMillis("exit") - dispatchedAt));
    result.put("stdoutBytes", stdoutBytes);
    result.put("textTruncated", stdoutBytes > MAX_TEXT_BYTES);
    if (!stderr.isEmpty()) {
      result.put("stderrTail", stderr);
    }
    launcher.describe(s).forEach(result::put);
    return s.persist(TurnTick.completed(output.text(), result, usage));
  }
}
