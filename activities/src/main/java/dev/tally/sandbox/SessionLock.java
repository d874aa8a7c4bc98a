package dev.tally.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises the steps of one session (acquire, dispatch, cancel, release) across threads and
 * across worker processes sharing a data directory: a JVM-wide lock per lock file, then an OS file
 * lock. So a cancel can never slip between a dispatch's check and its start of the process, and a
 * release never races an acquire into leaving a box behind.
 *
 * <p>While it waits, it heartbeats, so a retry queued behind a slow first attempt is not taken for
 * a dead worker.
 */
final class SessionLock {
  // JVM-wide: two provider instances in one JVM must not both try the same OS file lock, which
  // the JDK refuses with OverlappingFileLockException rather than blocking.
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();
  private static final long POLL_MS = 200;

  private SessionLock() {}

  /** Runs {@code body} holding the lock file {@code lockFile} (created with its directory). */
  static <T> T with(Path lockFile, Supplier<T> body) {
    return with(lockFile, () -> {}, body);
  }

  /**
   * Like {@link #with(Path, Supplier)}, calling {@code heartbeat} about once a second of waiting.
   */
  static <T> T with(Path lockFile, Runnable heartbeat, Supplier<T> body) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
    try {
      int waited = 0;
      while (!local.tryLock(POLL_MS, TimeUnit.MILLISECONDS)) {
        if (++waited % 5 == 0) {
          heartbeat.run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for session lock " + key, e);
    }
    try {
      Files.createDirectories(key.getParent());
      try (FileChannel channel =
          FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock held = channel.tryLock();
        for (int waited = 1; held == null; waited++) {
          Thread.sleep(POLL_MS);
          if (waited % 5 == 0) {
            heartbeat.run();
          }
          held = channel.tryLock();
        }
        try {
          return body.get();
        } finally {
          held.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("session lock " + key + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for session lock " + key, e);
    } finally {
      local.unlock();
    }
  }
}
