package dev.tally.realserver;

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP pass-through on loopback in front of the scripted router that can hold calls: after
 * {@link #holdAfter(int)}, calls past the limit wait, unanswered, until {@link #release()}. A run
 * whose model calls are held stays live, mid-turn, for as long as a test needs to look at it, and
 * then finishes normally: nothing is refused, so nothing is retried or billed twice.
 */
final class HoldingProxy implements AutoCloseable {
  private static final List<String> FORWARDED_HEADERS =
      List.of("Content-Type", "Authorization", "Idempotency-Key");

  /**
   * A held call is answered after this at the latest, inside the router client timeout the test
   * sets.
   */
  private static final Duration HOLD_AT_MOST = Duration.ofMinutes(5);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String target;
  private final AtomicInteger passed = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private volatile int passLimit = Integer.MAX_VALUE;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private HoldingProxy(String targetBaseUrl) throws IOException {
    this.target = targetBaseUrl;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A proxy for the OpenAI-compatible base URL {@code targetBaseUrl} (ending in /v1). */
  static HoldingProxy start(String targetBaseUrl) throws IOException {
    return new HoldingProxy(targetBaseUrl);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Lets {@code calls} more calls through, then holds every later one until released. */
  synchronized void holdAfter(int calls) {
    gate = new CountDownLatch(1);
    passLimit = passed.get() + calls;
  }

  /** Answers every held call and lets all later ones through. */
  synchronized void release() {
    passLimit = Integer.MAX_VALUE;
    gate.countDown();
  }

  /** How many calls are waiting now. */
  int held() {
    return held.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (passed.incrementAndGet() > passLimit) {
        held.incrementAndGet();
        try {
          gate.await(HOLD_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          reply(exchange, 502, new byte[0]);
          return;
        } finally {
          held.decrementAndGet();
        }
      }
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
      try {
        HttpResponse<byte[]> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        reply(exchange, response.statusCode(), response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply(exchange, 502, new byte[0]);
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
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
