package dev.tally.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a long-running command ({@code server}, {@code dev}) learns to stop, and how the stopper
 * learns that it has cleaned up. In the real CLI Ctrl-C (a JVM shutdown) requests the stop and
 * waits for the cleanup; tests request it directly.
 */
public final class StopSignal {
  /** How long a JVM shutdown waits for a command to close what it started. */
  static final Duration CLEANUP_GRACE = Duration.ofSeconds(20);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch cleanedUp = new CountDownLatch(1);
  private final AtomicBoolean hookOnShutdown;
  private final AtomicBoolean armed = new AtomicBoolean();

  private StopSignal(boolean hookOnShutdown) {
    this.hookOnShutdown = new AtomicBoolean(hookOnShutdown);
  }

  /** A signal that only {@link #requestStop()} triggers. */
  public static StopSignal manual() {
    return new StopSignal(false);
  }

  /** A signal that a JVM shutdown (Ctrl-C, SIGTERM) triggers once a command has armed it. */
  public static StopSignal onJvmShutdown() {
    return new StopSignal(true);
  }

  /** Called by a long-running command before it starts anything that needs closing. */
  void arm() {
    if (hookOnShutdown.get() && armed.compareAndSet(false, true)) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    requestStop();
                    awaitCleanup(CLEANUP_GRACE);
                  },
                  "tally-stop"));
    }
  }

  public void requestStop() {
    stopRequested.countDown();
  }

  void awaitStop() throws InterruptedException {
    stopRequested.await();
  }

  /** Called by the command once everything it started is closed. */
  void cleanedUp() {
    cleanedUp.countDown();
  }

  /** Waits for the command's cleanup; true when it finished in time. */
  public boolean awaitCleanup(Duration grace) {
    try {
      return cleanedUp.await(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
