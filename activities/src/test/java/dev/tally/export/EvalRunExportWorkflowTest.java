package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.TallyDataConverter;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.ledger.Verdict;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.testkit.IngestStub;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow side of the eval-run export through Temporal to a loopback ingest: {@code started}
 * then {@code finished}, keyed per run and status, and nothing at all for a run without labels.
 */
class EvalRunExportWorkflowTest {
  private static final String QUEUE = "probe";
  private final IngestStub ingest = IngestStub.start();
  @TempDir Path dataDir;
  private TestWorkflowEnvironment env;

  @AfterEach
  void stop() {
    env.close();
    ingest.close();
  }

  private WorkflowClient start() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ExportProbeWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ExportEvalRunsActivitiesImpl(
            new ExportConfig(
                "tgl-test-key-" + System.nanoTime(),
                ingest.base(),
                ExportConfig.outboxIn(dataDir),
                Duration.ofSeconds(5))));
    env.start();
    return env.getWorkflowClient();
  }

  private static final Spend WORK =
      new Spend(1, 40, 10, new BigDecimal("0.0003"), 0, true, UsdSource.BILLED);
  private static final Spend TURN =
      new Spend(0, 100, 20, new BigDecimal("0.0010"), 0, true, UsdSource.BILLED);

  private static ExportProbeWorkflow.Input input(EvalRunLabels labels) {
    RunRequest request =
        new RunRequest(
            TextNode.valueOf("t"),
            Budget.of(10, 10_000),
            Budget.of(1, 1000),
            null,
            null,
            null,
            null,
            null,
            labels);
    List<LedgerEntry> ledger =
        List.of(
            new LedgerEntry.Metered("run-p", TURN, "m", 0, 1),
            new LedgerEntry.Spawned("run-p:s1", "run-p", "w", "chat", Budget.of(1, 1000), 1),
            new LedgerEntry.Settled(
                "run-p:s1",
                "done",
                "sha256:aa",
                new Verdict(true, 0.75, null),
                WORK,
                null,
                null,
                null,
                1));
    RunResult result =
        new RunResult(
            RunResult.WINNER,
            "out",
            "sha256:aa",
            "run-p:s1",
            new Verdict(true, 0.75, null),
            null,
            null,
            null,
            0,
            TURN.plus(WORK),
            null);
    return new ExportProbeWorkflow.Input(request, ledger, result);
  }

  private String run(WorkflowClient client, String id, ExportProbeWorkflow.Input in) {
    return client
        .newWorkflowStub(
            ExportProbeWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build())
        .run(in);
  }

  @Test
  void runWithEvalLabels_postsStartedThenFinishedKeyedByRunAndStatus() {
    WorkflowClient client = start();

    run(client, "run-p", input(new EvalRunLabels("runs/p", Map.of("suite", "s"))));

    List<IngestStub.Received> posts = ingest.received();
    assertThat(posts)
        .extracting(r -> r.header("Idempotency-Key"))
        .containsExactly("run-p/started", "run-p/finished");
    JsonNode started = posts.get(0).json().path("events").get(0);
    assertThat(started.path("status").asText()).isEqualTo("started");
    assertThat(started.path("runDir").asText()).isEqualTo("runs/p");
    JsonNode finished = posts.get(1).json().path("events").get(0);
    assertThat(finished.path("status").asText()).isEqualTo("finished");
    assertThat(finished.path("totalDurationMs").asLong())
        .as("workflow time from start to end, the sleep included")
        .isGreaterThanOrEqualTo(1000);
    assertThat(finished.path("totalCostUsd").decimalValue())
        .isEqualByComparingTo(new BigDecimal("0.0013"));
    JsonNode gen = finished.path("generations").get(0);
    assertThat(gen.path("surfaceHash").asText()).isEqualTo("sha256:aa");
    assertThat(gen.path("compositeMean").asDouble()).isEqualTo(0.75);
    assertThat(gen.path("costUsd").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0003"));
    assertThat(finished.path("labels").path("suite").asText()).isEqualTo("s");
  }

  @Test
  void runWithoutEvalLabels_exportsNothingAndAddsNothingToHistory() {
    WorkflowClient client = start();

    run(client, "run-q", input(null));

    assertThat(ingest.received()).isEmpty();
    assertThat(client.fetchHistory("run-q").toJson(false)).doesNotContain("ExportEvalRuns");
  }

  @Test
  void refusedExport_neverFailsTheRun() {
    WorkflowClient client = start();
    ingest.then(400, "{\"accepted\":0,\"rejected\":[{\"index\":0,\"reason\":\"no such suite\"}]}");

    String out = run(client, "run-r", input(new EvalRunLabels(null, Map.of())));

    assertThat(out).isEqualTo("done");
    assertThat(ingest.received()).hasSize(2);
    assertThat(client.fetchHistory("run-r").toJson(false)).contains("EvalRunsRejected");
  }
}
