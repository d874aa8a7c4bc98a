package dev.tally.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback HTTP front for the scripted router that records every request body, as a provider's
 * request log would, and answers 404 for {@link #MISSING_MODEL} the way a real router does for a
 * model it does not serve; everything else is forwarded unchanged.
 */
final class RecordingRouter implements AutoCloseable {
  static final String MISSING_MODEL = "no-such-model";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String target;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<JsonNode> requests = new ArrayList<>();

  private RecordingRouter(HttpServer server, String target) {
    this.server = server;
    this.target = target;
  }

  /** A front on 127.0.0.1 for {@code targetBaseUrl} (ending in {@code /v1}). */
  static RecordingRouter start(String targetBaseUrl) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      RecordingRouter router = new RecordingRouter(server, targetBaseUrl);
      server.createContext("/", router::handle);
      server.start();
      return router;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Every request body received, in order. */
  List<JsonNode> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      JsonNode parsed = JSON.readTree(body);
      synchronized (requests) {
        requests.add(parsed);
      }
      if (MISSING_MODEL.equals(parsed.path("model").asText())) {
        send(
            exchange,
            404,
            "{\"error\":{\"message\":\"model not found\"}}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getPath().substring("/v1".length());
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + path))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .header("Content-Type", "application/json");
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      if (key != null) {
        forward.header("Idempotency-Key", key);
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      send(exchange, answer.statusCode(), answer.body());
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
