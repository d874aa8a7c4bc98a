package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import dev.tally.router.RouterConfig;
import dev.tally.worker.TallyWorker;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A supervised run that stays open while a worker answers its updates and queries: the run's own
 * worker, on a task queue of its own, calls a loopback router that never replies until closed.
 */
final class HeldRun implements AutoCloseable {
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpServer silentRouter;
  private final TallyWorker worker;
  private final Map<String, String> env;
  final String queue;
  final String runId;

  HeldRun(EmbeddedStackExtension stack, String queue) throws IOException {
    this.queue = queue;
    this.env = stack.env();
    silentRouter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    silentRouter.createContext(
        "/",
        exchange -> {
          try {
            release.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    silentRouter.setExecutor(threads);
    silentRouter.start();
    WorkerConfig config =
        stack
            .stack()
            .config()
            .withTaskQueue(queue)
            .withRouter(
                new RouterConfig(
                    "http://127.0.0.1:" + silentRouter.getAddress().getPort() + "/v1",
                    null,
                    "m",
                    "m",
                    null,
                    null));
    worker = TallyWorker.create(stack.stack().connection().client(), config).start();
    Cli.Result r = Cli.run(env, "run", "--task", "stay open", "--json", "--task-queue", queue);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    runId = Json.parse(r.out()).get("workflowId").asText();
  }

  /** Cancels the run and stops its worker and router. */
  @Override
  public void close() {
    try {
      Cli.Result cancelled = Cli.run(env, "cancel", runId, "--task-queue", queue);
      assertThat(cancelled.exitCode()).as(cancelled.toString()).isZero();
    } finally {
      release.countDown();
      worker.close();
      silentRouter.stop(0);
      threads.shutdownNow();
    }
  }
}
