package dev.tally.realserver;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.embedded.DevStack;
import dev.tally.embedded.TemporalServer;
import dev.tally.ledger.Budget;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.worker.WorkerConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/** In-process workers and runs for tests that put their own proxy before the scripted router. */
public final class ScriptedWorkers {
  private ScriptedWorkers() {}

  /**
   * A worker beside {@code server} whose model calls go to {@code routerBaseUrl} (a proxy in front
   * of a {@link ScriptedRouter}), with its data under {@code dataDir}.
   */
  public static DevStack beside(TemporalServer server, Path dataDir, String routerBaseUrl) {
    return DevStack.beside(
        server,
        Map.of(
            WorkerConfig.TALLY_DATA_DIR,
            dataDir.toString(),
            RouterConfig.BASE_URL_ENV,
            routerBaseUrl,
            RouterConfig.DRIVER_MODEL_ENV,
            ScriptedRouter.MODEL,
            RouterConfig.WORKER_MODEL_ENV,
            ScriptedRouter.MODEL),
        false);
  }

  /** The demo's run: room for the scripted driver's three workers, dollars capped. */
  public static RunRequest threeWorkerRun() {
    return new RunRequest(
        TextNode.valueOf("Name three ways to cut LLM agent costs"),
        new Budget(8L, 60_000L, new BigDecimal("0.50"), null),
        new Budget(1L, 8_000L, new BigDecimal("0.05"), null),
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
