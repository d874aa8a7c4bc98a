package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code tally} in-process, as {@code main} would, with output captured. */
public final class Cli {
  /** Watchers poll quickly in tests; the run's pace is set by the server, not by this. */
  static final Duration POLL = Duration.ofMillis(100);

  private Cli() {}

  /** What one invocation printed and returned. */
  public record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  /** A long-running command ({@code server}, {@code dev}) started on its own thread. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final StopSignal stop = StopSignal.manual();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    /** Waits until the output contains {@code text}; fails if the command exits first. */
    String awaitOutput(String text, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String now = out.toString();
        if (now.contains(text)) {
          return now;
        }
        if (exit.isDone()) {
          throw new AssertionError("exited before printing '" + text + "': " + result());
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no '" + text + "' within " + timeout + ": " + out + err);
    }

    /** Asks the command to stop and returns what it printed and returned. */
    Result stop(Duration timeout) throws Exception {
      stop.requestStop();
      int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stop.awaitCleanup(Duration.ZERO)).as("cleaned up").isTrue();
      return new Result(code, out.toString(), err.toString());
    }

    private Result result() {
      return new Result(exit.getNow(-1), out.toString(), err.toString());
    }
  }

  static Running start(Map<String, String> env, String... args) {
    Running r = new Running();
    Thread t =
        new Thread(
            () -> {
              try {
                PrintWriter o = new PrintWriter(r.out, true);
                PrintWriter e = new PrintWriter(r.err, true);
                r.exit.complete(TallyCli.commandLine(env, r.stop, POLL, o, e).execute(args));
              } catch (RuntimeException e) {
                r.exit.completeExceptionally(e);
              }
            },
            "tally-" + args[0]);
    t.setDaemon(true);
    t.start();
    return r;
  }

  public static Result run(Map<String, String> env, String... args) {
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
