package dev.tally.telemetry;

import dev.tally.json.Json;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.RouterConfig;
import io.opentelemetry.api.trace.Span;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Objects;

/**
 * {@code RouterChat} with telemetry: the GenAI attributes, the call's cost and its ledger node on
 * the activity's span (the one Temporal's tracing interceptor made current), and the latency of
 * driver turns. Message text goes on the span only when content capture is on; keys never do,
 * because nothing here ever sees one.
 */
final class TracedRouterChat implements RouterChatActivities {
  private final RouterChatActivities delegate;
  private final RouterConfig routerConfig;
  private final boolean captureContent;
  private final ChatMetrics metrics;

  TracedRouterChat(
      RouterChatActivities delegate,
      RouterConfig routerConfig,
      boolean captureContent,
      ChatMetrics metrics) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.routerConfig = routerConfig;
    this.captureContent = captureContent;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public ChatTurnReply routerChat(ChatTurnRequest request) {
    Span span = Span.current();
    String requestModel = requestModel(request);
    span.setAttribute(GenAiAttributes.OPERATION_NAME, GenAiAttributes.CHAT);
    if (requestModel != null) {
      span.setAttribute(GenAiAttributes.REQUEST_MODEL, requestModel);
    }
    span.setAttribute(GenAiAttributes.RUN_ID, request.runId());
    span.setAttribute(GenAiAttributes.NODE_ID, request.nodeId());
    span.setAttribute(GenAiAttributes.TURN, (long) request.turn());
    span.setAttribute(GenAiAttributes.ROLE, request.role());
    if (captureContent) {
      span.setAttribute(GenAiAttributes.INPUT_MESSAGES, Json.canonical(request.append()));
    }
    long started = System.nanoTime();
    ChatTurnReply reply;
    try {
      reply = delegate.routerChat(request);
    } catch (RuntimeException e) {
      span.setAttribute(
          GenAiAttributes.ERROR_TYPE,
          e instanceof ApplicationFailure app ? app.getType() : e.getClass().getName());
      throw e;
    }
    double millis = (System.nanoTime() - started) / 1_000_000.0;
    if (reply.model() != null) {
      span.setAttribute(GenAiAttributes.RESPONSE_MODEL, reply.model());
    }
    if (reply.usage() != null) {
      span.setAttribute(GenAiAttributes.INPUT_TOKENS, reply.usage().inputTokens());
      span.setAttribute(GenAiAttributes.OUTPUT_TOKENS, reply.usage().outputTokens());
    }
    if (reply.costUsd() != null) {
      span.setAttribute(GenAiAttributes.COST_USD, reply.costUsd().doubleValue());
    }
    span.setAttribute(GenAiAttributes.COST_SOURCE, reply.spend(0).usdSource().name());
    if (captureContent) {
      span.setAttribute(
          GenAiAttributes.OUTPUT_MESSAGES,
          Json.canonical(
              List.of(
                  ChatMessage.assistant(
                      reply.content(), reply.toolCalls().isEmpty() ? null : reply.toolCalls()))));
    }
    if (ChatTurnRequest.DRIVER.equals(request.role())) {
      metrics.driverTurn(millis, reply.model() != null ? reply.model() : requestModel);
    }
    return reply;
  }

  private String requestModel(ChatTurnRequest request) {
    if (request.model() != null && !request.model().isBlank()) {
      return request.model();
    }
    return routerConfig == null ? null : routerConfig.defaultModel(request.role());
  }
}
