package dev.tally.testkit;

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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a router that answers the first {@code failures} requests with
 * 503 and forwards the rest, headers and body intact: a real transient outage for the real router
 * client to retry through.
 */
public final class FlakyProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "transfer-encoding",
          "upgrade",
          "expect",
          "http2-settings");

  private final HttpServer server;
  private final String target;
  private final AtomicInteger failuresLeft;
  private final AtomicInteger failed = new AtomicInteger();
  private final HttpClient client = HttpClient.newHttpClient();

  private FlakyProxy(HttpServer server, String target, int failures) {
    this.server = server;
    this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    this.failuresLeft = new AtomicInteger(failures);
  }

  /**
   * Starts a proxy on 127.0.0.1 for {@code targetBaseUrl} (ending in {@code /v1}).
   *
   * @param failures how many requests get a 503 before requests pass
   */
  public static FlakyProxy start(String targetBaseUrl, int failures) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FlakyProxy proxy = new FlakyProxy(server, targetBaseUrl, failures);
      server.createContext("/", proxy::handle);
      server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL to point a router client at, ending in {@code /v1}. */
  public String baseUrl() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/v1";
  }

  /** Requests answered with 503 so far. */
  public int failed() {
    return failed.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (failuresLeft.getAndDecrement() > 0) {
        failed.incrementAndGet();
        byte[] msg = "{\"error\":{\"message\":\"upstream unavailable\"}}".getBytes();
        exchange.sendResponseHeaders(503, msg.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String suffix = path.startsWith("/v1") ? path.substring(3) : path;
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + suffix))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))
                    && !name.startsWith(":")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = exchange.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }
}
