package dev.tally.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.TracedTemporal;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans and metrics of a real run leave over OTLP/HTTP ({@code
 * OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf}) and arrive at a receiver on loopback, which decodes
 * the protobuf it gets.
 */
class OtlpHttpExportTest {
  /** One request the receiver got. */
  record Export(String path, String contentType, String header, byte[] body) {}

  private final List<Export> received = Collections.synchronizedList(new ArrayList<>());
  private final HttpServer receiver = receiver();
  private final ScriptedRouter router = ScriptedRouter.start(0, 1);

  @AfterEach
  void stop() {
    receiver.stop(0);
    router.close();
  }

  @Test
  void httpProtobuf_runSpansAndLedgerMetrics_arriveAtTheReceiver() throws Exception {
    String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
    TelemetryConfig config =
        TelemetryConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_HEADERS", "x-tally-test=from%20the%20env",
                "OTEL_SERVICE_NAME", "tally-otlp-test"));
    Telemetry telemetry = Telemetry.create(config);
    RouterConfig routerConfig = router.config();
    RunResult result;
    try (TracedTemporal temporal =
        new TracedTemporal(
            telemetry,
            true,
            telemetry.traceRouterChat(
                RouterChatActivitiesImpl.create(routerConfig, new InMemoryBlobStore()),
                routerConfig),
            new MeterActivitiesImpl(List.of(telemetry.ledgerMetrics())))) {
      SupervisedRunWorkflow run =
          temporal
              .client()
              .newWorkflowStub(
                  SupervisedRunWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("run-otlp")
                      .setTaskQueue(TracedTemporal.QUEUE)
                      .build());
      result =
          run.run(
              new RunRequest(
                  TextNode.valueOf("Say hello"),
                  Budget.of(10, 1_000_000),
                  Budget.of(1, 50_000),
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
    }
    telemetry.close();

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    List<Export> traces = received.stream().filter(e -> e.path().equals("/v1/traces")).toList();
    assertThat(traces).isNotEmpty();
    assertThat(traces)
        .allSatisfy(
            e -> {
              assertThat(e.contentType()).isEqualTo("application/x-protobuf");
              assertThat(e.header()).isEqualTo("from the env");
            });
    List<Map<String, Object>> spans = new ArrayList<>();
    List<String> services = new ArrayList<>();
    for (Export e : traces) {
      decodeTraces(e.body(), spans, services);
    }
    assertThat(services).containsOnly("tally-otlp-test");
    assertThat(spans)
        .extracting(s -> s.get("name"))
        .contains(
            "StartWorkflow:SupervisedRun",
            "RunWorkflow:SupervisedRun",
            "RunActivity:RouterChat",
            "RunWorkflow:WorkerTask");
    long billedInput = router.totals().promptTokens();
    long spanInput =
        spans.stream()
            .filter(s -> s.get("name").equals("RunActivity:RouterChat"))
            .mapToLong(s -> (Long) s.get("gen_ai.usage.input_tokens"))
            .sum();
    assertThat(spanInput).isEqualTo(billedInput);

    List<Export> metrics = received.stream().filter(e -> e.path().equals("/v1/metrics")).toList();
    assertThat(metrics).isNotEmpty();
    String metricBytes =
        new String(metrics.get(metrics.size() - 1).body(), StandardCharsets.ISO_8859_1);
    assertThat(metricBytes).contains("tally.tokens").contains("tally.usd");
  }

  /**
   * Walks an {@code ExportTraceServiceRequest} by field number: resource_spans(1) → resource(1) /
   * scope_spans(2) → spans(2) → name(5), attributes(9).
   */
  private static void decodeTraces(
      byte[] body, List<Map<String, Object>> spans, List<String> services)
      throws InvalidProtocolBufferException {
    UnknownFieldSet request = UnknownFieldSet.parseFrom(body);
    for (ByteString rs : request.getField(1).getLengthDelimitedList()) {
      UnknownFieldSet resourceSpans = UnknownFieldSet.parseFrom(rs);
      for (ByteString res : resourceSpans.getField(1).getLengthDelimitedList()) {
        Object name = attributes(UnknownFieldSet.parseFrom(res)).get("service.name");
        services.add(String.valueOf(name));
      }
      for (ByteString ss : resourceSpans.getField(2).getLengthDelimitedList()) {
        UnknownFieldSet scopeSpans = UnknownFieldSet.parseFrom(ss);
        for (ByteString sp : scopeSpans.getField(2).getLengthDelimitedList()) {
          UnknownFieldSet span = UnknownFieldSet.parseFrom(sp);
          Map<String, Object> out = attributes(span, 9);
          out.put("name", span.getField(5).getLengthDelimitedList().get(0).toStringUtf8());
          spans.add(out);
        }
      }
    }
  }

  private static Map<String, Object> attributes(UnknownFieldSet message)
      throws InvalidProtocolBufferException {
    return attributes(message, 1);
  }

  /** KeyValue: key(1), value(2) as AnyValue: string(1), bool(2), int(3), double(4). */
  private static Map<String, Object> attributes(UnknownFieldSet message, int field)
      throws InvalidProtocolBufferException {
    Map<String, Object> out = new LinkedHashMap<>();
    for (ByteString kv : message.getField(field).getLengthDelimitedList()) {
      UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
      String key = pair.getField(1).getLengthDelimitedList().get(0).toStringUtf8();
      UnknownFieldSet value =
          UnknownFieldSet.parseFrom(pair.getField(2).getLengthDelimitedList().get(0));
      if (!value.getField(1).getLengthDelimitedList().isEmpty()) {
        out.put(key, value.getField(1).getLengthDelimitedList().get(0).toStringUtf8());
      } else if (!value.getField(3).getVarintList().isEmpty()) {
        out.put(key, value.getField(3).getVarintList().get(0));
      } else if (!value.getField(2).getVarintList().isEmpty()) {
        out.put(key, value.getField(2).getVarintList().get(0) != 0);
      } else if (!value.getField(4).getFixed64List().isEmpty()) {
        out.put(key, Double.longBitsToDouble(value.getField(4).getFixed64List().get(0)));
      }
    }
    return out;
  }

  private HttpServer receiver() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.start();
      return server;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      received.add(
          new Export(
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("x-tally-test".toLowerCase(Locale.ROOT)),
              body));
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }
}
