package dev.tally.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP pass-through on loopback in front of the scripted router that a test can close: once
 * closed, every call is answered {@code 503} at once, which Temporal retries later.
 *
 * <p>A worker killed while a router call is in flight leaves that activity attempt to its
 * three-minute start-to-close timeout. Closing the gate first, and killing only when nothing is in
 * flight, lets the test kill a worker in the middle of a run without that wait. The refusal carries
 * {@code Retry-After}, which the router client honours as the next retry delay, so no new attempt
 * starts between the test's last look and the kill.
 */
public final class GateProxy implements AutoCloseable {
  private static final List<String> FORWARDED_HEADERS =
      List.of("Content-Type", "Authorization", "Idempotency-Key");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client = HttpClient.newHttpClient();
  private final String target;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int admitLimit = Integer.MAX_VALUE;
  private final int retryAfterSeconds;

  private GateProxy(String targetBaseUrl, int retryAfterSeconds) throws IOException {
    this.target = targetBaseUrl;
    this.retryAfterSeconds = retryAfterSeconds;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * A proxy for the OpenAI-compatible base URL {@code targetBaseUrl} (ending in /v1) whose refusals
   * ask for a retry after {@code retryAfterSeconds}.
   */
  public static GateProxy start(String targetBaseUrl, int retryAfterSeconds) throws IOException {
    return new GateProxy(targetBaseUrl, retryAfterSeconds);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Lets {@code calls} more calls through, then closes. */
  public void closeAfter(int calls) {
    admitLimit = admitted.get() + calls;
  }

  public void open() {
    admitLimit = Integer.MAX_VALUE;
  }

  public int rejected() {
    return rejected.get();
  }

  public int inFlight() {
    return inFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (admitted.incrementAndGet() > admitLimit) {
        admitted.decrementAndGet();
        rejected.incrementAndGet();
        exchange.getResponseHeaders().add("Retry-After", String.valueOf(retryAfterSeconds));
        reply(
            exchange,
            503,
            "{\"error\":{\"message\":\"gate closed by the test\"}}"
                .getBytes(StandardCharsets.UTF_8));
        return;
      }
      inFlight.incrementAndGet();
      try {
        String path = exchange.getRequestURI().getPath().replaceFirst("^/v1", "");
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(target + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : FORWARDED_HEADERS) {
          String v = exchange.getRequestHeaders().getFirst(h);
          if (v != null) {
            request.header(h, v);
          }
        }
        HttpResponse<byte[]> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        reply(exchange, response.statusCode(), response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply(exchange, 502, new byte[0]);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
