package dev.tally.worker;

import dev.tally.sandbox.SandboxJanitor;
import io.temporal.client.WorkflowClient;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox janitor a worker runs once when it starts, beside its pollers (a sweep asks Temporal
 * about each box and must not hold up the first task): this host's boxes whose workflows ended, or
 * gave up on this host while it was away, are released. A sweep that fails is logged and left; the
 * next start tries again.
 */
final class StartupSandboxSweep {
  private static final Logger log = LoggerFactory.getLogger(StartupSandboxSweep.class);

  private StartupSandboxSweep() {}

  static CompletableFuture<SandboxJanitor.Report> start(
      WorkflowClient client, WorkerConfig config) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(config, "config");
    SandboxJanitor janitor =
        SandboxJanitor.forLocal(
            config.sandbox(),
            new TemporalSessionOwners(client.getWorkflowServiceStubs(), config.namespace()),
            config.hostTaskQueue());
    CompletableFuture<SandboxJanitor.Report> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                done.complete(janitor.sweep());
              } catch (RuntimeException e) {
                log.warn("sandbox janitor: sweep failed, boxes left as they are: {}", e.toString());
                done.completeExceptionally(e);
              }
            },
            "sandbox-janitor");
    t.setDaemon(true);
    t.start();
    return done;
  }
}
