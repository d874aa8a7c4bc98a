package dev.tally.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.RouterConfig;
import dev.tally.router.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat decorator on its own: what lands on the current span, with and without capture. */
class TracedRouterChatTest {
  private static final String SECRET_PROMPT = "the launch code is 0000";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private Telemetry telemetry;

  @AfterEach
  void close() {
    telemetry.close();
  }

  private SpanData call(boolean capture, RouterChatActivities backend, ChatTurnRequest request) {
    telemetry =
        Telemetry.withProcessors(
            new TelemetryConfig(null, null, null, null, capture, null),
            SimpleSpanProcessor.create(spans),
            metrics);
    RouterChatActivities traced =
        telemetry.traceRouterChat(
            backend, new RouterConfig(null, null, "driver-default", "worker-default", null, null));
    Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("RunActivity").startSpan();
    Scope scope = span.makeCurrent();
    try {
      traced.routerChat(request);
    } finally {
      scope.close();
      span.end();
    }
    return spans.getFinishedSpanItems().get(0);
  }

  private static ChatTurnRequest request(String model) {
    return new ChatTurnRequest(
        "run-1",
        "run-1:s1",
        2,
        ChatTurnRequest.WORKER,
        model,
        null,
        null,
        List.of(ChatMessage.user(SECRET_PROMPT)),
        null,
        false);
  }

  private static final RouterChatActivities ANSWERS =
      r ->
          new ChatTurnReply(
              "sha256:conv",
              "an answer",
              List.of(),
              new Usage(11, 7),
              new BigDecimal("0.0001"),
              UsdSource.CATALOG,
              "provider-model");

  @Test
  void call_captureOff_setsGenAiAndCostButNoText() {
    SpanData s = call(false, ANSWERS, request(null));

    assertThat(s.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("chat");
    assertThat(s.getAttributes().get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("worker-default");
    assertThat(s.getAttributes().get(GenAiAttributes.RESPONSE_MODEL)).isEqualTo("provider-model");
    assertThat(s.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(11L);
    assertThat(s.getAttributes().get(GenAiAttributes.OUTPUT_TOKENS)).isEqualTo(7L);
    assertThat(s.getAttributes().get(GenAiAttributes.COST_USD)).isEqualTo(0.0001);
    assertThat(s.getAttributes().get(GenAiAttributes.COST_SOURCE)).isEqualTo("CATALOG");
    assertThat(s.getAttributes().get(GenAiAttributes.NODE_ID)).isEqualTo("run-1:s1");
    assertThat(s.getAttributes().get(GenAiAttributes.TURN)).isEqualTo(2L);
    assertThat(s.getAttributes().toString())
        .doesNotContain(SECRET_PROMPT)
        .doesNotContain("an answer");
  }

  @Test
  void call_captureOn_addsTheMessages() {
    SpanData s = call(true, ANSWERS, request("asked-model"));

    assertThat(s.getAttributes().get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("asked-model");
    assertThat(s.getAttributes().get(GenAiAttributes.INPUT_MESSAGES)).contains(SECRET_PROMPT);
    assertThat(s.getAttributes().get(GenAiAttributes.OUTPUT_MESSAGES)).contains("an answer");
  }

  @Test
  void call_noUsageNoPrice_leavesTokensOutAndSaysUnknown() {
    RouterChatActivities unpriced =
        r -> new ChatTurnReply("sha256:c", "x", List.of(), null, null, null, "m");

    SpanData s = call(false, unpriced, request(null));

    assertThat(s.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isNull();
    assertThat(s.getAttributes().get(GenAiAttributes.COST_USD)).isNull();
    assertThat(s.getAttributes().get(GenAiAttributes.COST_SOURCE)).isEqualTo("UNKNOWN");
  }

  @Test
  void call_failure_marksTheErrorTypeAndRethrows() {
    RouterChatActivities failing =
        r -> {
          throw ApplicationFailure.newNonRetryableFailure("bad", "RouterBadRequest");
        };

    assertThatThrownBy(() -> call(false, failing, request(null)))
        .isInstanceOf(ApplicationFailure.class);
    SpanData s = spans.getFinishedSpanItems().get(0);
    assertThat(s.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("RouterBadRequest");
  }
}
