package dev.tally.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import dev.tally.observe.ObserverClient;
import dev.tally.observe.ObserverStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's optional HTTP port, for load balancers and dashboards: {@code GET /health} says
 * whether this worker is polling, {@code GET /stats} is the namespace observer's aggregates. Off
 * unless {@code TALLY_HTTP_PORT} is set; bound to loopback unless {@code TALLY_HTTP_HOST} says
 * otherwise. Read only: nothing here changes anything.
 */
final class StatusHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusHttp.class);

  private final HttpServer server;

  private StatusHttp(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code host:port} (port 0 for any free one).
   *
   * @param polling whether the worker is polling
   * @param identity what {@code /health} names: namespace and task queue
   */
  static StatusHttp start(
      String host,
      int port,
      BooleanSupplier polling,
      Map<String, String> identity,
      ObserverClient observer) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "TALLY_HTTP_PORT: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    server.createContext(
        "/health",
        exchange -> {
          if (refuseUnlessGet(exchange, "/health")) {
            return;
          }
          boolean up = polling.getAsBoolean();
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("status", up ? "ok" : "stopped");
          doc.putAll(identity);
          send(exchange, up ? 200 : 503, doc);
        });
    server.createContext(
        "/stats",
        exchange -> {
          if (refuseUnlessGet(exchange, "/stats")) {
            return;
          }
          try {
            Optional<ObserverStats> stats = observer.stats();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.putAll(identity);
            doc.put("observer", stats.isPresent() ? "running" : "not started");
            stats.ifPresent(s -> doc.put("stats", s));
            send(exchange, 200, doc);
          } catch (RuntimeException e) {
            send(exchange, 503, Map.of("error", "observer unavailable: " + e.getMessage()));
          }
        });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> new Thread(r, "tally-http")));
    server.start();
    log.info("status HTTP on {}:{} (/health, /stats)", host, server.getAddress().getPort());
    return new StatusHttp(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private static boolean refuseUnlessGet(HttpExchange exchange, String path) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      send(exchange, 404, Map.of("error", "no such path: " + exchange.getRequestURI().getPath()));
      return true;
    }
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().add("Allow", "GET");
      send(exchange, 405, Map.of("error", "expected GET, got " + exchange.getRequestMethod()));
      return true;
    }
    return false;
  }

  private static void send(HttpExchange exchange, int status, Object doc) throws IOException {
    byte[] body;
    try {
      body = Json.CANONICAL.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      body = ("{\"error\":\"" + e.getOriginalMessage() + "\"}").getBytes(StandardCharsets.UTF_8);
      status = 500;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
