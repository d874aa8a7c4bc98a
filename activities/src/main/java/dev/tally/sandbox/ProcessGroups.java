package dev.tally.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Liveness and termination of detached processes and their process groups, by pid alone, so that a
 * worker that did not start a process can still find and stop it.
 *
 * <p>On Linux {@code /proc} is read directly: a zombie (exited, not yet reaped) counts as gone,
 * which {@code kill -0} would not tell. Elsewhere {@link ProcessHandle} is the fallback.
 */
final class ProcessGroups {
  private static final Path PROC = Path.of("/proc");
  private static final Duration TERM_GRACE = Duration.ofSeconds(5);

  private ProcessGroups() {}

  /**
   * Whether {@code pid} runs and is not a zombie; a process that started before {@code notBefore}
   * is another one that reused the pid.
   */
  static boolean alive(long pid, Instant notBefore) {
    Optional<Stat> stat = stat(pid);
    if (Files.isDirectory(PROC)) {
      if (stat.isEmpty() || stat.get().gone()) {
        return false;
      }
    } else if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    if (notBefore != null) {
      Optional<Instant> started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
      // Start instants are coarse (clock ticks), hence the second of slack.
      return started.isEmpty() || !started.get().isBefore(notBefore.minusSeconds(1));
    }
    return true;
  }

  /** Live (not zombie) members of process group {@code pgid}. */
  static List<Long> members(long pgid) {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(PROC)) {
      return ProcessHandle.of(pgid)
          .filter(ProcessHandle::isAlive)
          .map(h -> List.of(h.pid()))
          .orElse(List.of());
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        stat(pid).filter(s -> s.pgrp() == pgid && !s.gone()).ifPresent(s -> out.add(pid));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Stops process group {@code pgid} (led by {@code pid}) and the leader itself: SIGTERM, a grace
   * period, then SIGKILL.
   *
   * @return whether anything was still running when this was called
   */
  static boolean kill(long pid) {
    boolean running = alive(pid, null) || !members(pid).isEmpty();
    if (!running) {
      return false;
    }
    signal("TERM", pid);
    long deadline = System.nanoTime() + TERM_GRACE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive(pid, null) && members(pid).isEmpty()) {
        return true;
      }
      sleep(50);
    }
    signal("KILL", pid);
    long killDeadline = System.nanoTime() + TERM_GRACE.toNanos();
    while (System.nanoTime() < killDeadline && (alive(pid, null) || !members(pid).isEmpty())) {
      sleep(50);
    }
    return true;
  }

  /** Sends {@code sig} to the group and to the leader (in case it has not made its group yet). */
  private static void signal(String sig, long pid) {
    run("kill", "-s", sig, "--", "-" + pid);
    run("kill", "-s", sig, "--", Long.toString(pid));
  }

  private static void run(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<Stat> stat(long pid) {
    try {
      String line =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
      // The command name is in parentheses and may itself contain spaces and parentheses.
      String[] rest = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return Optional.of(new Stat(rest[0].charAt(0), Long.parseLong(rest[2])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The state letter and process group of a {@code /proc/<pid>/stat} line. */
  private record Stat(char state, long pgrp) {
    boolean gone() {
      return state == 'Z' || state == 'X' || state == 'x';
    }
  }
}
