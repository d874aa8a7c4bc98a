package dev.tally.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A throwaway worker process for {@link HarnessOutlivesWorkerTest}: acquires a box, dispatches the
 * turn, says so, and waits to be killed.
 *
 * <p>Arguments: data directory, harness command, session id, repository.
 */
public final class DispatchMain {
  private DispatchMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalProcessSandbox box =
        new LocalProcessSandbox(
            new SandboxConfig(Path.of(args[0]), args[1], 100, 60_000, Duration.ofMinutes(1)));
    SandboxLease lease =
        box.acquire(new AcquireSandboxRequest(args[2], "coder", args[3]), () -> {});
    TurnTick tick =
        box.drive(new DriveTurnRequest(lease.sandboxId(), args[2], "from a doomed worker", null));
    System.out.println("dispatched " + tick.state());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
