package dev.tally.router.scripted;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.router.PriceCatalog;
import dev.tally.router.RouterConfig;
import dev.tally.router.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OpenAI-compatible endpoint on loopback that plays a coordination script instead of calling
 * a model: what the demo and the tests talk to when no router key is set, so that the production
 * router client, pricing and metering all run for real.
 *
 * <p>It serves {@code POST /v1/chat/completions} on 127.0.0.1. Every answer starts with {@link
 * #PREFIX} and says it is scripted. Usage is counted from the real message text (a token is {@link
 * #CHARS_PER_TOKEN} characters, rounded up) and billed in {@code usage.cost} at {@link #PRICE}, so
 * callers see provider-billed dollars; {@link #billed()} is the router's own record of every
 * charge, to check a run's ledger against.
 *
 * <p>An {@code Idempotency-Key} it has already answered gets the same answer again and is not
 * billed twice, as a real provider's idempotency would behave.
 */
public final class ScriptedRouter implements AutoCloseable {
  /** The model every answer names. */
  public static final String MODEL = "tally-scripted";

  /** How every answer's text starts. */
  public static final String PREFIX = "[scripted]";

  /** The scripted price, the same as {@code tally-scripted} in the bundled price catalog. */
  public static final PriceCatalog.ModelPrice PRICE =
      new PriceCatalog.ModelPrice(new BigDecimal("0.50"), new BigDecimal("1.50"));

  /** Characters per token in the usage count. */
  public static final int CHARS_PER_TOKEN = 4;

  /** The path it serves. */
  public static final String PATH = "/v1/chat/completions";

  /**
   * Answers kept for replay by idempotency key. Retries of one call come seconds apart, so the most
   * recent answers are all that a replay ever needs, and a long demo does not grow without bound.
   */
  private static final int REMEMBERED_ANSWERS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(ScriptedRouter.class);

  static {
    // The JDK server writes a response's headers and body as separate segments; with Nagle's
    // algorithm on, the client's delayed ACK then stalls every answer by about 40 ms, which was
    // most of a driver turn (tally bench overhead). The property is read once, when the JDK
    // server's configuration loads, so it is set before the first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Writes dollars as plain decimals ({@code 0.0000125}), never in exponent form. */
  private static final ObjectMapper WIRE =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final HttpServer server;
  private final ExecutorService executor;
  private final CoordinationScript script;
  private final List<BilledCall> billed = new ArrayList<>();
  private final Map<String, byte[]> answeredByKey =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > REMEMBERED_ANSWERS;
        }
      };
  private final AtomicInteger completions = new AtomicInteger();

  /**
   * Knobs for tests and benchmarks.
   *
   * @param workers how many chat workers the driver spawns in its first reply (0 for none)
   * @param minAwaits the driver calls {@code await_event} at least this many times before {@code
   *     stop}, whatever the workers do: how a benchmark makes a run of a given number of turns
   * @param fillerChars pad each driver reply's text to this many characters (0 for no padding)
   */
  public record Options(int workers, int minAwaits, int fillerChars) {
    public Options {
      if (workers < 0 || minAwaits < 0 || fillerChars < 0) {
        throw new IllegalArgumentException(
            "ScriptedRouter.Options: expected workers, minAwaits and fillerChars >= 0, got "
                + workers
                + ", "
                + minAwaits
                + ", "
                + fillerChars);
      }
    }

    /** Spawn {@code workers}, await them, stop. */
    public static Options workers(int workers) {
      return new Options(workers, 0, 0);
    }
  }

  private ScriptedRouter(HttpServer server, ExecutorService executor, Options options) {
    this.server = server;
    this.executor = executor;
    this.script =
        new CoordinationScript(options.workers(), options.minAwaits(), options.fillerChars());
  }

  /**
   * Starts a router on 127.0.0.1:{@code port} (0 picks a free port) that spawns {@code workers}.
   */
  public static ScriptedRouter start(int port, int workers) {
    return start(port, Options.workers(workers));
  }

  /** Starts a router on 127.0.0.1:{@code port} (0 picks a free port) with {@code options}. */
  public static ScriptedRouter start(int port, Options options) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("scripted router: cannot listen on 127.0.0.1:" + port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "scripted-router-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ScriptedRouter router = new ScriptedRouter(server, executor, options);
    server.createContext("/", router::handle);
    server.setExecutor(executor);
    server.start();
    log.info(
        "scripted router listening at {} (answers are scripted, not a model's)", router.baseUrl());
    return router;
  }

  /** The base URL to configure a client with, ending in {@code /v1}. */
  public String baseUrl() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/v1";
  }

  /** A router configuration that points at this router with its model for both roles. */
  public RouterConfig config() {
    return new RouterConfig(baseUrl(), null, MODEL, MODEL, null, null);
  }

  /** Every call billed so far, in the order answered. */
  public List<BilledCall> billed() {
    synchronized (billed) {
      return List.copyOf(billed);
    }
  }

  /** The sums over {@link #billed()}. */
  public BilledTotals totals() {
    return BilledTotals.of(billed());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(
            exchange,
            404,
            error("no route " + exchange.getRequestURI().getPath() + "; use " + PATH));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "POST");
        send(exchange, 405, error("use POST"));
        return;
      }
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = WIRE.readTree(in);
      } catch (IOException e) {
        send(exchange, 400, error("the body is not JSON"));
        return;
      }
      if (request == null || !request.path("messages").isArray()) {
        send(exchange, 400, error("expected a JSON object with a \"messages\" array"));
        return;
      }
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      byte[] body = key == null ? complete(request, null) : completeOnce(request, key);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (RuntimeException e) {
      log.warn("scripted router failed on a request", e);
      throw e;
    }
  }

  /** Answers a keyed call once; a repeat of the key gets the same bytes and is not billed again. */
  private byte[] completeOnce(JsonNode request, String key) {
    // One lock over lookup and answer, so two concurrent attempts of one call cannot both bill;
    // answering takes at most milliseconds, so serialising keyed calls is cheap.
    synchronized (answeredByKey) {
      return answeredByKey.computeIfAbsent(key, k -> complete(request, k));
    }
  }

  private byte[] complete(JsonNode request, String key) {
    JsonNode messages = request.get("messages");
    boolean driver = request.path("tools").isArray() && request.path("tools").size() > 0;
    ScriptedReply reply = script.answer(messages, driver);
    long promptTokens = tokens(promptChars(messages));
    long completionTokens = tokens(reply.chars());
    BigDecimal cost = PRICE.cost(new Usage(promptTokens, completionTokens));
    int n = completions.incrementAndGet();

    ObjectNode body = WIRE.createObjectNode();
    body.put("id", "chatcmpl-scripted-" + n);
    body.put("object", "chat.completion");
    body.put("created", 0);
    body.put("model", MODEL);
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", reply.content());
    if (!reply.toolCalls().isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (ScriptedReply.Call c : reply.toolCalls()) {
        ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
        call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
      }
    }
    choice.put("finish_reason", reply.toolCalls().isEmpty() ? "stop" : "tool_calls");
    body.putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens)
        .put("cost", cost);

    synchronized (billed) {
      billed.add(
          new BilledCall(
              key, driver ? "driver" : "worker", MODEL, promptTokens, completionTokens, cost));
    }
    try {
      return WIRE.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Characters of the request's message text: contents, and tool names and arguments called.
   * Tally's budget line is not counted: it reports live state (which workers have settled at the
   * moment a turn is built), so counting it would make the same scripted run bill differently from
   * one interleaving to the next, and the scripted price is meant to be a function of the run.
   */
  static long promptChars(JsonNode messages) {
    long chars = 0;
    for (JsonNode m : messages) {
      JsonNode content = m.get("content");
      if (content != null && content.isTextual()) {
        String text = content.asText();
        int line = text.indexOf(CoordinationScript.BUDGET_LINE);
        chars += (line < 0 ? text : text.substring(0, line).stripTrailing()).length();
      }
      for (JsonNode call : m.path("tool_calls")) {
        chars += call.path("function").path("name").asText().length();
        chars += call.path("function").path("arguments").asText().length();
      }
    }
    return chars;
  }

  /** Tokens for {@code chars} characters: one per {@link #CHARS_PER_TOKEN}, rounded up. */
  static long tokens(long chars) {
    return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  private static byte[] error(String message) {
    ObjectNode body = WIRE.createObjectNode();
    body.putObject("error")
        .put("message", PREFIX + " " + message)
        .put("type", "invalid_request_error");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
