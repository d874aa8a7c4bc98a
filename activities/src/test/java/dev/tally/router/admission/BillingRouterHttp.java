package dev.tally.router.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import dev.tally.router.ChatCompletion;
import dev.tally.router.ToolCall;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@link BillingRouter} behind a real OpenAI-compatible endpoint on loopback: prompt tokens from
 * the HTTP body's size, completion capped by the body's {@code max_tokens}.
 */
final class BillingRouterHttp implements AutoCloseable {
  private final HttpServer server;

  BillingRouterHttp(BillingRouter router) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/chat/completions", exchange -> answer(router, exchange));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private static void answer(BillingRouter router, HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    JsonNode body = Json.parse(new String(raw, StandardCharsets.UTF_8));
    JsonNode max = body.get("max_tokens");
    ChatCompletion c =
        router.bill(
            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
            raw.length,
            body.path("messages").size(),
            -1,
            max == null ? null : max.asLong(),
            body.has("tools"),
            body.path("model").asText());
    ObjectNode out = Json.CANONICAL.createObjectNode().put("model", c.model());
    ObjectNode message =
        out.putArray("choices").addObject().putObject("message").put("role", "assistant");
    message.put("content", c.content());
    if (!c.toolCalls().isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (ToolCall t : c.toolCalls()) {
        calls
            .addObject()
            .put("id", t.id())
            .put("type", "function")
            .putObject("function")
            .put("name", t.name())
            .put("arguments", Json.canonical(t.arguments()));
      }
    }
    out.putObject("usage")
        .put("prompt_tokens", c.usage().inputTokens())
        .put("completion_tokens", c.usage().outputTokens());
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
