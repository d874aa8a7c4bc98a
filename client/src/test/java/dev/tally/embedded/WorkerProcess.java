package dev.tally.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code dev.tally.worker.WorkerMain} running as a separate JVM, its output in a log file. */
public final class WorkerProcess implements AutoCloseable {
  /** What {@code WorkerMain} logs once it polls. */
  public static final String READY = "ready on task queue";

  /** Variables a developer's shell might set that must not leak into the test's workers. */
  private static final List<String> CLEARED =
      List.of(
          "TALLY_ROUTER_API_KEY",
          "TALLY_PRICE_CATALOG",
          "TALLY_ROUTER_TIMEOUT_MS",
          "TEMPORAL_NAMESPACE");

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a worker with {@code env} over a clean environment and waits until it polls. */
  public static WorkerProcess start(Map<String, String> env, Path log, Duration readyWithin)
      throws IOException, InterruptedException {
    return start(List.of(), env, log, readyWithin);
  }

  /**
   * As {@link #start(Map, Path, Duration)}, with the JVM's command line after {@code prefix} (e.g.
   * {@code unshare --pid --fork --mount-proc --kill-child}, which gives the worker its own pid
   * namespace as a container would).
   */
  static WorkerProcess start(
      List<String> prefix, Map<String, String> env, Path log, Duration readyWithin)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(prefix);
    command.addAll(
        List.of(java, "-cp", System.getProperty("java.class.path"), "dev.tally.worker.WorkerMain"));
    ProcessBuilder pb = new ProcessBuilder(command);
    CLEARED.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    WorkerProcess worker = new WorkerProcess(pb.start(), log);
    worker.awaitLog(READY, readyWithin);
    return worker;
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void awaitLog(String text, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!log().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "worker exited with " + process.exitValue() + " before '" + text + "':\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' within " + within + ":\n" + log());
      }
      Thread.sleep(50);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: the process gets no chance to finish anything, as in a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the shutdown hook to finish; returns the exit code. */
  public int terminate(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("worker did not stop within " + within + ":\n" + log());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
