package dev.tally.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.http.HeaderValues;
import dev.tally.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ChatBackend} for any OpenAI-compatible router ({@code POST {base}/chat/completions}).
 *
 * <p>It never retries: the JDK client is built without redirects and a failed call is thrown as a
 * typed Temporal failure, so each attempt is one Temporal activity attempt, visible in history.
 */
public final class OpenAiChatBackend implements ChatBackend {
  /** Usage counts above this are no receipt: no model reads or writes a trillion tokens a call. */
  static final long MAX_TOKENS_PER_CALL = 1_000_000_000_000L;

  private final URI endpoint;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;
  private final RouterFailures failures;

  /**
   * A backend for the router at {@code baseUrl}.
   *
   * @param baseUrl the router's base URL, ending in {@code /v1} (a trailing slash is dropped)
   * @param apiKey the bearer key, or null for a router that needs none
   * @param timeout connect and whole-request timeout of one call
   */
  public OpenAiChatBackend(String baseUrl, String apiKey, Duration timeout) {
    this(baseUrl, apiKey, timeout, Clock.systemUTC());
  }

  /**
   * As {@link #OpenAiChatBackend(String, String, Duration)}, reading HTTP dates against {@code
   * clock}.
   */
  OpenAiChatBackend(String baseUrl, String apiKey, Duration timeout, Clock clock) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.endpoint = URI.create(base + "/chat/completions");
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.failures = new RouterFailures(this.apiKey, clock);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/1.1 avoids the h2c upgrade dance with plain-HTTP local routers.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The URL every call is posted to. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public ChatCompletion complete(ChatCall call) {
    Objects.requireNonNull(call, "call");
    String where = "model " + call.model() + " at " + endpoint;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("Idempotency-Key", HeaderValues.idempotencyKey(call.idempotencyKey()))
            .POST(HttpRequest.BodyPublishers.ofString(requestBody(call), StandardCharsets.UTF_8));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw failures.timeout(where, timeout, e);
    } catch (IOException e) {
      throw failures.connection(where, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failures.connection(where, e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw failures.forStatus(
          status,
          response.body(),
          response.headers().firstValue("Retry-After").orElse(null),
          where);
    }
    return parse(response.body(), call.model(), where);
  }

  /** The JSON body of a call, in the OpenAI chat-completions shape. */
  static String requestBody(ChatCall call) {
    ObjectNode body = Json.CANONICAL.createObjectNode();
    body.put("model", call.model());
    ArrayNode messages = body.putArray("messages");
    call.messages().forEach(m -> messages.add(wireMessage(m)));
    if (!call.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec t : call.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", t.name());
        function.put("description", t.description());
        function.set(
            "parameters",
            t.parameters() == null ? Json.CANONICAL.createObjectNode() : t.parameters());
      }
      // Offering no tools and still naming a tool choice is a 400 at several providers.
      body.put("tool_choice", "auto");
    }
    if (call.temperature() != null) {
      body.put("temperature", call.temperature());
    }
    if (call.maxTokens() != null) {
      body.put("max_tokens", call.maxTokens());
    }
    return body.toString();
  }

  private static ObjectNode wireMessage(ChatMessage m) {
    ObjectNode out = Json.CANONICAL.createObjectNode();
    out.put("role", m.role());
    List<ToolCall> calls = m.toolCalls() == null ? List.of() : m.toolCalls();
    boolean empty = m.content() == null || m.content().isEmpty();
    if (!calls.isEmpty() && empty) {
      // An assistant turn that only calls tools: null content is the documented form.
      out.putNull("content");
    } else {
      out.put("content", m.content() == null ? "" : m.content());
    }
    if (!calls.isEmpty()) {
      ArrayNode wire = out.putArray("tool_calls");
      for (ToolCall c : calls) {
        ObjectNode w = wire.addObject().put("id", c.id()).put("type", "function");
        w.putObject("function")
            .put("name", c.name())
            .put(
                "arguments",
                Json.canonical(
                    c.arguments() == null ? Json.CANONICAL.createObjectNode() : c.arguments()));
      }
    }
    if (m.toolCallId() != null) {
      out.put("tool_call_id", m.toolCallId());
    }
    return out;
  }

  private ChatCompletion parse(String body, String requestedModel, String where) {
    JsonNode root;
    try {
      root = Json.parse(body);
    } catch (IllegalArgumentException e) {
      // Truncated, oversized or not JSON at all: the router answered 2xx, so it may have billed;
      // whatever usage can still be read from the text is kept.
      throw failures.malformed(
          where, "the body is not JSON", body, requestedModel, UsageText.usage(body), null);
    }
    Usage usage = root == null ? null : usage(root.get("usage"));
    BigDecimal billed = root == null ? null : billedCost(root.get("usage"));
    JsonNode message = root == null ? null : root.path("choices").path(0).path("message");
    if (message == null || !message.isObject()) {
      throw failures.malformed(
          where, "no choices[0].message object", body, requestedModel, usage, billed);
    }
    JsonNode content = message.get("content");
    if (content != null && !content.isNull() && !content.isTextual()) {
      throw failures.malformed(
          where, "choices[0].message.content is not a string", body, requestedModel, usage, billed);
    }
    List<ToolCall> calls = new ArrayList<>();
    JsonNode wireCalls = message.get("tool_calls");
    if (wireCalls != null && !wireCalls.isNull()) {
      if (!wireCalls.isArray()) {
        throw failures.malformed(
            where,
            "choices[0].message.tool_calls is not an array",
            body,
            requestedModel,
            usage,
            billed);
      }
      for (int i = 0; i < wireCalls.size(); i++) {
        calls.add(toolCall(wireCalls.get(i), i, where, body, requestedModel, usage, billed));
      }
    }
    JsonNode model = root.get("model");
    return new ChatCompletion(
        content == null || content.isNull() ? "" : content.asText(),
        calls,
        usage,
        billed,
        model != null && model.isTextual() && !model.asText().isBlank()
            ? model.asText()
            : requestedModel);
  }

  private ToolCall toolCall(
      JsonNode wire,
      int index,
      String where,
      String body,
      String model,
      Usage usage,
      BigDecimal billed) {
    JsonNode function = wire.path("function");
    JsonNode name = function.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw failures.malformed(
          where,
          "choices[0].message.tool_calls[" + index + "] has no function name",
          body,
          model,
          usage,
          billed);
    }
    JsonNode id = wire.get("id");
    return new ToolCall(
        // The id is echoed on the tool message; a provider that omits it still needs one.
        id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : "call_" + index,
        name.asText(),
        arguments(function.get("arguments")));
  }

  /**
   * Parsed tool-call arguments. Models do emit broken JSON; the tool then sees {@code {}} and
   * answers with an error the driver can read, instead of the whole turn failing.
   */
  static JsonNode arguments(JsonNode wire) {
    if (wire != null && wire.isObject()) {
      return wire;
    }
    if (wire != null && wire.isTextual()) {
      try {
        JsonNode parsed = Json.parse(wire.asText());
        if (parsed != null && parsed.isObject()) {
          return parsed;
        }
      } catch (IllegalArgumentException e) {
        // Falls through to the empty object.
      }
    }
    return Json.CANONICAL.createObjectNode();
  }

  /** Usage only when both counts are non-negative numbers: anything less is no receipt at all. */
  static Usage usage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return null;
    }
    JsonNode in = usage.get("prompt_tokens");
    JsonNode out = usage.get("completion_tokens");
    if (in == null || out == null || !in.isNumber() || !out.isNumber()) {
      return null;
    }
    if (!in.canConvertToExactIntegral()
        || !out.canConvertToExactIntegral()
        || !in.canConvertToLong()
        || !out.canConvertToLong()
        || in.longValue() < 0
        || out.longValue() < 0
        || in.longValue() > MAX_TOKENS_PER_CALL
        || out.longValue() > MAX_TOKENS_PER_CALL) {
      // Fractions, negatives and counts past any real context window (2^63 would wrap) are no
      // receipt: the call is metered as unknown rather than as a wrong exact number.
      return null;
    }
    return new Usage(in.longValue(), out.longValue());
  }

  /** The provider's own charge ({@code usage.cost}, as OpenRouter reports it), exactly. */
  static BigDecimal billedCost(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return null;
    }
    JsonNode cost = usage.get("cost");
    if (cost == null || !cost.isNumber() || cost.decimalValue().signum() < 0) {
      return null;
    }
    return cost.decimalValue();
  }
}
