package dev.tally.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.EvalRunExporter;
import dev.tally.export.EvalRunOutbox;
import dev.tally.export.ExportConfig;
import dev.tally.export.ExportEvalRunsActivitiesImpl;
import dev.tally.feedback.FeedbackLog;
import dev.tally.feedback.FeedbackLogWorkflow;
import dev.tally.feedback.FeedbackRecorder;
import dev.tally.feedback.GateExport;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.BilledCall;
import dev.tally.router.scripted.BilledTotals;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.FlakyProxy;
import dev.tally.testkit.IngestStub;
import dev.tally.testkit.StderrTap;
import dev.tally.testkit.TracedTemporal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.temporal.client.WorkflowOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One supervised run through the production wiring with telemetry on: the tracing interceptors on
 * client and worker, the real router chat activity against the scripted router behind a proxy that
 * fails the first call once, the meter feeding ledger metrics, eval export without a Tangle key
 * (outbox), then a gate decision after the run closed, flushed later with a key to a loopback
 * ingest.
 */
class TracedRunTest {
  private static final String RUN_ID = "run-traced";
  private static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("workflowId");
  private static final AttributeKey<String> RUN_TAG = AttributeKey.stringKey("runId");
  private static final AttributeKey<String> ACTIVITY_ID = AttributeKey.stringKey("activityId");

  @TempDir static Path dataDir;

  private static final String routerKey = "sk-test-" + randomHex();
  private static final String tangleKey = "tgl-test-" + randomHex();
  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static final InMemoryMetricReader metrics = InMemoryMetricReader.create();

  private static ScriptedRouter router;
  private static FlakyProxy proxy;
  private static IngestStub ingest;
  private static Telemetry telemetry;
  private static TracedTemporal temporal;
  private static RunResult result;
  private static List<LedgerEntry> ledger;
  private static String logs;
  private static String outboxBeforeFlush;
  private static String historiesText;
  private static FeedbackLog feedbackLog;
  private static EvalRunOutbox.FlushReport flush;

  @BeforeAll
  static void runOnce() throws Exception {
    router = ScriptedRouter.start(0, 2);
    proxy = FlakyProxy.start(router.baseUrl(), 1);
    ingest = IngestStub.start();
    RouterConfig routerConfig =
        new RouterConfig(
            proxy.baseUrl(), routerKey, ScriptedRouter.MODEL, ScriptedRouter.MODEL, null, null);
    ExportConfig noKey = ExportConfig.fromEnv(Map.of(), dataDir);
    telemetry =
        Telemetry.withProcessors(TelemetryConfig.off(), SimpleSpanProcessor.create(spans), metrics);
    try (StderrTap tap = new StderrTap()) {
      temporal =
          new TracedTemporal(
              telemetry,
              true,
              telemetry.traceRouterChat(
                  RouterChatActivitiesImpl.create(routerConfig, new InMemoryBlobStore()),
                  routerConfig),
              new MeterActivitiesImpl(List.of(telemetry.ledgerMetrics())),
              new ExportEvalRunsActivitiesImpl(noKey));
      SupervisedRunWorkflow run =
          temporal
              .client()
              .newWorkflowStub(
                  SupervisedRunWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(RUN_ID)
                      .setTaskQueue(TracedTemporal.QUEUE)
                      .build());
      result =
          run.run(
              new RunRequest(
                  TextNode.valueOf("Name two properties of a conserved budget"),
                  new Budget(20L, 1_000_000L, new BigDecimal("1.00"), null),
                  Budget.of(2, 50_000),
                  null,
                  null,
                  null,
                  null,
                  null,
                  new EvalRunLabels("runs/traced", Map.of("suite", "observe"))));
      ledger = LedgerRebuilder.fromHistoryJson(temporal.historyJson(RUN_ID));

      // After the run closed: a rating and a gate decision, recorded in the run's feedback log.
      FeedbackRecorder recorder = new FeedbackRecorder(temporal.client(), TracedTemporal.QUEUE);
      recorder.feedback(RUN_ID, 0.8, "good", "clear answer", "tester");
      recorder.gate(RUN_ID, "ship", 0.12, "holdout looks fine", "tester");
      feedbackLog = awaitGateExport(recorder);
      outboxBeforeFlush = Files.readString(noKey.outbox());

      // Later, with a key: the outbox is flushed to the ingest.
      ExportConfig withKey =
          new ExportConfig(tangleKey, ingest.base(), noKey.outbox(), Duration.ofSeconds(5));
      flush = new EvalRunOutbox(noKey.outbox()).flush(new EvalRunExporter(withKey));

      List<String> histories = new ArrayList<>();
      histories.add(temporal.historyJson(RUN_ID));
      histories.add(temporal.historyJson(FeedbackLogWorkflow.workflowId(RUN_ID)));
      for (LedgerEntry e : ledger) {
        if (e instanceof LedgerEntry.Spawned s) {
          histories.add(temporal.historyJson(s.id()));
        }
      }
      historiesText = String.join("\n", histories);
      logs = tap.text();
    }
  }

  @AfterAll
  static void close() {
    // Shutting down clears the in-memory exporters, so it waits until every test has looked.
    telemetry.close();
    if (temporal != null) {
      temporal.close();
    }
    router.close();
    proxy.close();
    ingest.close();
  }

  @Test
  void tracedRun_runAndWorkerSpans_shareOneTrace() {
    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData start = only(all, s -> s.getName().equals("StartWorkflow:SupervisedRun"));
    List<SpanData> ofRun =
        all.stream()
            .filter(s -> String.valueOf(s.getAttributes().get(WORKFLOW_ID)).startsWith(RUN_ID))
            .toList();
    assertThat(ofRun).isNotEmpty();
    assertThat(ofRun).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(start.getTraceId()));

    List<SpanData> workers =
        all.stream().filter(s -> s.getName().equals("RunWorkflow:WorkerTask")).toList();
    assertThat(workers).as("one span per worker").hasSize(2);
    for (SpanData w : workers) {
      SpanData parent = byId(all, w.getParentSpanId());
      assertThat(parent.getName()).isEqualTo("StartChildWorkflow:WorkerTask");
      assertThat(w.getTraceId()).isEqualTo(start.getTraceId());
    }
    SpanData root = only(all, s -> s.getName().equals("RunWorkflow:SupervisedRun"));
    assertThat(root.getParentSpanId()).isEqualTo(start.getSpanId());
  }

  @Test
  void retriedRouterCall_twoAttemptSpansUnderOneStart() {
    assertThat(proxy.failed()).isEqualTo(1);
    Map<String, List<SpanData>> attempts =
        chatSpans().stream()
            .collect(Collectors.groupingBy(s -> s.getAttributes().get(ACTIVITY_ID)));
    List<List<SpanData>> retried = attempts.values().stream().filter(l -> l.size() > 1).toList();
    assertThat(retried).as("one activity was attempted twice").hasSize(1);
    List<SpanData> pair = retried.get(0);
    assertThat(pair).hasSize(2);
    assertThat(pair.get(0).getParentSpanId()).isEqualTo(pair.get(1).getParentSpanId());
    assertThat(byId(spans.getFinishedSpanItems(), pair.get(0).getParentSpanId()).getName())
        .isEqualTo("StartActivity:RouterChat");
    assertThat(pair)
        .extracting(s -> s.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .containsExactlyInAnyOrder("RouterTransient", null);
  }

  @Test
  void chatSpans_carryGenAiAttributesWithTheBilledTokenCounts() {
    List<SpanData> succeeded =
        chatSpans().stream()
            .filter(s -> s.getAttributes().get(GenAiAttributes.ERROR_TYPE) == null)
            .toList();
    List<BilledCall> billed = router.billed();
    assertThat(succeeded).hasSameSizeAs(billed);
    for (SpanData s : succeeded) {
      String key =
          s.getAttributes().get(WORKFLOW_ID)
              + "/"
              + s.getAttributes().get(RUN_TAG)
              + "/"
              + s.getAttributes().get(ACTIVITY_ID);
      BilledCall call = only(billed, c -> key.equals(c.idempotencyKey()));
      assertThat(s.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("chat");
      assertThat(s.getAttributes().get(GenAiAttributes.REQUEST_MODEL))
          .isEqualTo(ScriptedRouter.MODEL);
      assertThat(s.getAttributes().get(GenAiAttributes.RESPONSE_MODEL)).isEqualTo(call.model());
      assertThat(s.getAttributes().get(GenAiAttributes.INPUT_TOKENS))
          .isEqualTo(call.promptTokens());
      assertThat(s.getAttributes().get(GenAiAttributes.OUTPUT_TOKENS))
          .isEqualTo(call.completionTokens());
      assertThat(s.getAttributes().get(GenAiAttributes.COST_USD))
          .isEqualTo(call.costUsd().doubleValue());
      assertThat(s.getAttributes().get(GenAiAttributes.COST_SOURCE)).isEqualTo("BILLED");
      assertThat(s.getAttributes().get(GenAiAttributes.NODE_ID)).startsWith(RUN_ID);
      assertThat(s.getAttributes().get(GenAiAttributes.INPUT_MESSAGES))
          .as("no message text without content capture")
          .isNull();
      assertThat(s.getAttributes().get(GenAiAttributes.OUTPUT_MESSAGES)).isNull();
    }
  }

  @Test
  void ledgerMetrics_countWhatTheRouterBilled() {
    Collection<MetricData> all = metrics.collectAllMetrics();
    BilledTotals billed = router.totals();
    assertThat(sumLong(all, "tally.tokens", "input")).isEqualTo(billed.promptTokens());
    assertThat(sumLong(all, "tally.tokens", "output")).isEqualTo(billed.completionTokens());
    double usd =
        metric(all, "tally.usd").getDoubleSumData().getPoints().stream()
            .mapToDouble(p -> p.getValue())
            .sum();
    assertThat(usd)
        .isCloseTo(billed.costUsd().doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(usd)
        .isCloseTo(
            result.spentTotal().usd().doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
    long driverCalls = router.billed().stream().filter(c -> c.role().equals("driver")).count();
    long latencies =
        metric(all, "tally.driver.turn.latency").getHistogramData().getPoints().stream()
            .mapToLong(HistogramPointData::getCount)
            .sum();
    assertThat(latencies).isEqualTo(driverCalls);
  }

  @Test
  void gateDecidedAfterClose_reachesTheIngestUnderTheSameRunId() {
    assertThat(feedbackLog.events()).extracting(e -> e.kind()).containsExactly("feedback", "gate");
    assertThat(feedbackLog.exports()).extracting(GateExport::status).containsExactly("queued");
    assertThat(flush.sent()).isEqualTo(1);
    assertThat(flush.remaining()).isZero();

    IngestStub.Received post = only(ingest.received(), r -> true);
    assertThat(post.path()).isEqualTo("/v1/ingest/eval-runs");
    assertThat(post.header("Authorization")).isEqualTo("Bearer " + tangleKey);
    assertThat(post.header("X-Tangle-Wire-Version")).isEqualTo("2026-05-26.v1");
    String gateId = feedbackLog.events().get(1).eventId();
    assertThat(post.header("Idempotency-Key")).isEqualTo(RUN_ID + "/gate-decided/" + gateId);
    JsonNode body = post.json();
    assertThat(body.path("wireVersion").asText()).isEqualTo("2026-05-26.v1");
    JsonNode event = body.path("events").get(0);
    assertThat(event.path("runId").asText()).isEqualTo(RUN_ID);
    assertThat(event.path("status").asText()).isEqualTo(EvalRunEvent.GATE_DECIDED);
    assertThat(event.path("gateDecision").asText()).isEqualTo("ship");
    assertThat(event.path("holdoutLift").asDouble()).isEqualTo(0.12);
    assertThat(event.path("runDir").asText()).isEqualTo("runs/traced");
    assertThat(event.path("labels").path("suite").asText()).isEqualTo("observe");
    assertThat(event.path("totalCostUsd").decimalValue())
        .isEqualByComparingTo(result.spentTotal().usd());
    List<LedgerEntry.Settled> settled =
        ledger.stream()
            .filter(LedgerEntry.Settled.class::isInstance)
            .map(LedgerEntry.Settled.class::cast)
            .toList();
    JsonNode generations = event.path("generations");
    assertThat(generations).hasSize(settled.size());
    for (int i = 0; i < settled.size(); i++) {
      assertThat(generations.get(i).path("index").asInt()).isEqualTo(i);
      assertThat(generations.get(i).path("surfaceHash").asText())
          .isEqualTo(settled.get(i).outRef());
      assertThat(generations.get(i).path("compositeMean").asDouble())
          .isEqualTo(settled.get(i).verdict().score());
      assertThat(generations.get(i).path("costUsd").decimalValue())
          .isEqualByComparingTo(settled.get(i).spent().usd());
      assertThat(generations.get(i).path("durationMs").asLong()).isPositive();
    }
  }

  @Test
  void keys_neverAppearInHistorySpansLogsOrOutbox() {
    String spanText =
        spans.getFinishedSpanItems().stream()
            .map(String::valueOf)
            .collect(Collectors.joining("\n"));
    assertThat(spanText).contains("gen_ai.usage.input_tokens");
    assertThat(historiesText).contains("RouterChat");
    assertThat(logs).contains("router chat run=" + RUN_ID);
    assertThat(outboxBeforeFlush).contains("gate-decided");
    for (String key : List.of(routerKey, tangleKey)) {
      assertThat(historiesText).as("history").doesNotContain(key);
      assertThat(spanText).as("spans").doesNotContain(key);
      assertThat(logs).as("logs").doesNotContain(key);
      assertThat(outboxBeforeFlush).as("outbox").doesNotContain(key);
    }
    // The keys were really in use: the router got one, the ingest the other.
    assertThat(ingest.received().get(0).header("Authorization")).contains(tangleKey);
  }

  private static FeedbackLog awaitGateExport(FeedbackRecorder recorder)
      throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      FeedbackLog log = recorder.list(RUN_ID);
      if (!log.exports().isEmpty()) {
        return log;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gate decision's export was not recorded within 30 s");
  }

  private static List<SpanData> chatSpans() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("RunActivity:RouterChat"))
        .toList();
  }

  private static long sumLong(Collection<MetricData> all, String name, String direction) {
    long sum = 0;
    for (LongPointData p : metric(all, name).getLongSumData().getPoints()) {
      if (direction.equals(p.getAttributes().get(GenAiAttributes.DIRECTION))) {
        sum += p.getValue();
      }
    }
    return sum;
  }

  private static MetricData metric(Collection<MetricData> all, String name) {
    return only(all, m -> m.getName().equals(name));
  }

  private static SpanData byId(List<SpanData> all, String spanId) {
    return only(all, s -> s.getSpanId().equals(spanId));
  }

  private static <T> T only(Collection<T> items, Predicate<T> filter) {
    List<T> found = items.stream().filter(filter).toList();
    assertThat(found).as("exactly one match").hasSize(1);
    return found.get(0);
  }

  private static String randomHex() {
    return HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes()).substring(0, 32);
  }
}
