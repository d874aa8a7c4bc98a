package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.TallyDataConverter;
import dev.tally.ledger.Budget;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.telemetry.Telemetry;
import dev.tally.telemetry.TelemetryConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker built by {@link TallyWorker} is traced and metered: its factory carries the tracing
 * interceptors, the router chat it registers reports GenAI attributes, and its meter feeds the
 * ledger metrics.
 */
class TallyWorkerTelemetryTest {
  @TempDir Path dataDir;

  @Test
  void create_withTelemetry_runSpansChatAttributesAndLedgerMetrics() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (ScriptedRouter router = ScriptedRouter.start(0, 1);
        Telemetry telemetry =
            Telemetry.withProcessors(
                TelemetryConfig.off(), SimpleSpanProcessor.create(spans), metrics);
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder()
                    .setUseTimeskipping(false)
                    .setWorkflowClientOptions(
                        WorkflowClientOptions.newBuilder()
                            .setDataConverter(TallyDataConverter.create())
                            .setInterceptors(telemetry.clientInterceptors())
                            .build())
                    .build())) {
      WorkerConfig config =
          WorkerConfig.fromEnv(
              Map.of(
                  "TALLY_DATA_DIR",
                  dataDir.toString(),
                  "TALLY_ROUTER_BASE_URL",
                  router.baseUrl(),
                  "TALLY_DRIVER_MODEL",
                  ScriptedRouter.MODEL,
                  "TALLY_WORKER_MODEL",
                  ScriptedRouter.MODEL));
      WorkflowClient client = env.getWorkflowClient();
      RunResult result;
      try (TallyWorker worker = TallyWorker.create(client, config, telemetry).start()) {
        SupervisedRunWorkflow run =
            client.newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("traced-run")
                    .setTaskQueue(worker.config().taskQueue())
                    .build());
        result =
            run.run(
                new RunRequest(
                    TextNode.valueOf("one answer"),
                    new Budget(2L, 20_000L, new BigDecimal("0.10"), null),
                    new Budget(1L, 8_000L, new BigDecimal("0.02"), null),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));
      }

      assertThat(result.kind()).isEqualTo(RunResult.WINNER);
      List<SpanData> finished = spans.getFinishedSpanItems();
      assertThat(finished).extracting(SpanData::getName).contains("RunWorkflow:SupervisedRun");
      long chatInputTokens =
          finished.stream()
              .filter(s -> s.getName().equals("RunActivity:RouterChat"))
              .map(s -> s.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
              .filter(v -> v != null)
              .mapToLong(Long::longValue)
              .sum();
      assertThat(chatInputTokens).isEqualTo(result.spentTotal().inputTokens());
      assertThat(metrics.collectAllMetrics())
          .extracting(MetricData::getName)
          .contains("tally.tokens", "tally.usd");
    }
  }
}
