package dev.tally.sandbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a timeout, its output captured in files (never pipes, so a
 * chatty command cannot block on a full buffer), keeping the tail of each stream.
 */
final class Commands {
  private Commands() {}

  /**
   * Runs {@code argv} in {@code dir}.
   *
   * @param env added to the worker's own environment
   * @param keepBytes how much of each stream's tail to keep
   * @param heartbeat called about once a second; if it throws, the command is killed and the
   *     exception propagates
   */
  static CommandResult run(
      List<String> argv,
      Path dir,
      Map<String, String> env,
      Duration timeout,
      int keepBytes,
      Runnable heartbeat,
      Path scratch) {
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      Files.createDirectories(scratch);
      out = Files.createTempFile(scratch, "cmd-", ".out");
      err = Files.createTempFile(scratch, "cmd-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      TallySecrets.strip(pb.environment());
      pb.environment().putAll(env);
      process = pb.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean timedOut = false;
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        heartbeat.run();
        if (System.nanoTime() > deadline) {
          timedOut = true;
          destroyTree(process);
          break;
        }
      }
      int code = timedOut ? CommandResult.TIMED_OUT : process.exitValue();
      boolean truncated = Files.size(out) > keepBytes;
      return new CommandResult(
          code, tail(out, keepBytes), tail(err, keepBytes), truncated, timedOut);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + argv.get(0) + " in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.get(0), e);
    } finally {
      if (process != null && process.isAlive()) {
        destroyTree(process);
      }
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Kills a process and everything it started. */
  static void destroyTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code keepBytes} bytes of {@code file} as text (malformed bytes replaced). */
  static String tail(Path file, int keepBytes) {
    if (file == null || !Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long size = raf.length();
      long from = Math.max(0, size - keepBytes);
      byte[] bytes = new byte[(int) (size - from)];
      raf.seek(from);
      raf.readFully(bytes);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover scratch file is harmless; the session directory is removed on release anyway.
    }
  }
}
