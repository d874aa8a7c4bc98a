package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.ledger.Budget;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The composition root through the real path: a Temporal test server running in real time, the
 * worker built by {@link TallyWorker}, and the scripted router over loopback HTTP.
 */
class TallyWorkerTest {
  @TempDir Path dataDir;

  @Test
  void workerOptions_stickyOff_asksForNoStickyQueue() {
    assertThat(TallyWorker.workerOptions(false).getStickyQueueScheduleToStartTimeout())
        .isEqualTo(Duration.ZERO);
    assertThat(TallyWorker.workerOptions(true).getStickyQueueScheduleToStartTimeout())
        .isNotEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"on", "off"})
  void create_registersEverything_aSupervisedRunWinsAndStoresItsConversations(String sticky)
      throws IOException {
    try (ScriptedRouter router = ScriptedRouter.start(0, 2);
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      WorkerConfig config =
          WorkerConfig.fromEnv(
              Map.of(
                  "TALLY_STICKY",
                  sticky,
                  "TALLY_DATA_DIR",
                  dataDir.toString(),
                  "TALLY_ROUTER_BASE_URL",
                  router.baseUrl(),
                  "TALLY_DRIVER_MODEL",
                  ScriptedRouter.MODEL,
                  "TALLY_WORKER_MODEL",
                  ScriptedRouter.MODEL));
      WorkflowClient client = env.getWorkflowClient();

      try (TallyWorker worker = TallyWorker.create(client, config).start()) {
        SupervisedRunWorkflow run =
            client.newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("worker-test-" + sticky)
                    .setTaskQueue(worker.config().taskQueue())
                    .build());
        RunResult result =
            run.run(
                new RunRequest(
                    TextNode.valueOf("two answers"),
                    new Budget(4L, 40_000L, new BigDecimal("0.10"), null),
                    new Budget(1L, 8_000L, new BigDecimal("0.02"), null),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));

        assertThat(result.kind()).isEqualTo(RunResult.WINNER);
        assertThat(result.spentTotal().tokens()).isEqualTo(router.totals().tokens());
      }
      try (Stream<Path> blobs = Files.walk(config.blobDir())) {
        assertThat(blobs.filter(Files::isRegularFile).count()).isPositive();
      }
    }
  }
}
