package dev.tally.realserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible router on loopback for long-run tests: its driver spawns one chat worker and
 * then watches it ({@code observe_worker}) turn after turn, so a run grows its history fast while
 * the worker's one call is held until {@link #releaseWorker()}; it stops once the worker is done
 * and at least {@code minTurns} turns have passed. Every answer bills the same usage and price, and
 * a retried call (same idempotency key) is answered and billed once.
 */
public final class WatchingRouter implements AutoCloseable {
  public static final String MODEL = "tally-watching";
  public static final long PROMPT_TOKENS = 40;
  public static final long COMPLETION_TOKENS = 10;
  public static final BigDecimal COST = new BigDecimal("0.0001");
  static final String BUDGET_LINE = "[tally budget]";

  private final HttpServer server;
  private final int minTurns;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger billedCalls = new AtomicInteger();
  private final AtomicInteger driverTurns = new AtomicInteger();
  private final AtomicInteger budgetLines = new AtomicInteger();
  private final Map<String, byte[]> answered = new HashMap<>();

  private WatchingRouter(HttpServer server, int minTurns) {
    this.server = server;
    this.minTurns = minTurns;
  }

  public static WatchingRouter start(int minTurns) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    WatchingRouter router = new WatchingRouter(server, minTurns);
    server.createContext("/v1/chat/completions", router::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return router;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Lets the worker's held call answer. */
  public void releaseWorker() {
    release.countDown();
  }

  public int billedCalls() {
    return billedCalls.get();
  }

  public int driverTurns() {
    return driverTurns.get();
  }

  /** Driver requests whose newest message ended with Tally's budget line. */
  public int budgetLines() {
    return budgetLines.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = Json.CANONICAL.readTree(in);
      }
      boolean driver = request.path("tools").isArray() && !request.path("tools").isEmpty();
      if (!driver) {
        awaitRelease();
      }
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      byte[] body;
      synchronized (answered) {
        body = key == null ? null : answered.get(key);
        if (body == null) {
          body = answer(request.path("messages"), driver);
          if (key != null) {
            answered.put(key, body);
          }
        }
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void awaitRelease() {
    try {
      release.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private byte[] answer(JsonNode messages, boolean driver) {
    billedCalls.incrementAndGet();
    ObjectNode body = Json.CANONICAL.createObjectNode();
    body.put("id", "chatcmpl-watch-" + billedCalls.get()).put("object", "chat.completion");
    body.put("model", MODEL);
    ObjectNode message = body.putArray("choices").addObject().put("index", 0).putObject("message");
    message.put("role", "assistant");
    if (driver) {
      int turn = driverTurns.incrementAndGet() - 1;
      driverReply(messages, turn, message);
    } else {
      message.put("content", "the watched worker's answer");
    }
    body.putObject("usage")
        .put("prompt_tokens", PROMPT_TOKENS)
        .put("completion_tokens", COMPLETION_TOKENS)
        .put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS)
        .put("cost", COST);
    try {
      return Json.CANONICAL.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void driverReply(JsonNode messages, int turn, ObjectNode message) {
    JsonNode lastTool = null;
    String workerId = null;
    String last = messages.get(messages.size() - 1).path("content").asText();
    if (last.contains(BUDGET_LINE)) {
      budgetLines.incrementAndGet();
    }
    for (JsonNode m : messages) {
      if ("tool".equals(m.path("role").asText())) {
        String content = m.path("content").asText();
        int line = content.indexOf(BUDGET_LINE);
        // Tally's budget line follows the newest message; the tool result is what comes before.
        lastTool = Json.parse(line < 0 ? content : content.substring(0, line));
        if (lastTool.has("workerId")) {
          workerId = lastTool.path("workerId").asText();
        }
      }
    }
    message.put("content", "");
    ArrayNode calls = message.putArray("tool_calls");
    ObjectNode call = calls.addObject().put("id", "call-" + turn).put("type", "function");
    ObjectNode function = call.putObject("function");
    if (lastTool == null) {
      function
          .put("name", "spawn_worker")
          .put("arguments", "{\"profile\":\"chat\",\"task\":\"watch me\"}");
    } else if ("done".equals(lastTool.path("status").asText()) && turn >= minTurns) {
      function.put("name", "stop").put("arguments", "{}");
    } else {
      function
          .put("name", "observe_worker")
          .put("arguments", "{\"workerId\":\"" + workerId + "\"}");
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
