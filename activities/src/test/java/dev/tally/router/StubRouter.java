package dev.tally.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A router stand-in on loopback (the JDK HTTP server): records every request and answers with the
 * responses queued for it, then with a plain completion.
 */
final class StubRouter implements AutoCloseable {
  /** A request as the stub received it; header names are lowercase. */
  record Received(String method, String path, Map<String, String> headers, String body) {
    JsonNode json() {
      return Json.parse(body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A response to send. */
  record Canned(int status, Map<String, String> headers, String body, boolean hang) {
    static Canned of(int status, String body) {
      return new Canned(status, Map.of(), body, false);
    }

    Canned withHeader(String name, String value) {
      Map<String, String> h = new TreeMap<>(headers);
      h.put(name, value);
      return new Canned(status, h, body, hang);
    }
  }

  static final String PLAIN_COMPLETION =
      completion("hello", null, "{\"prompt_tokens\":10,\"completion_tokens\":5}");

  private final HttpServer server;
  private final Deque<Canned> queue = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private StubRouter(HttpServer server) {
    this.server = server;
  }

  static StubRouter start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      StubRouter stub = new StubRouter(server);
      server.createContext("/", stub::handle);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A chat completion body; {@code toolCalls} and {@code usage} are raw JSON or null. */
  static String completion(String content, String toolCalls, String usage) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"stub-model\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + (content == null ? "null" : Json.canonical(content))
        + (toolCalls == null ? "" : ",\"tool_calls\":" + toolCalls)
        + "},\"finish_reason\":\"stop\"}]"
        + (usage == null ? "" : ",\"usage\":" + usage)
        + "}";
  }

  String baseUrl() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/v1";
  }

  StubRouter then(Canned response) {
    synchronized (queue) {
      queue.addLast(response);
    }
    return this;
  }

  StubRouter then(int status, String body) {
    return then(Canned.of(status, body));
  }

  /** The next request is never answered (until the stub closes): a read timeout. */
  StubRouter thenHang() {
    return then(new Canned(0, Map.of(), "", true));
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  Received last() {
    List<Received> all = received();
    return all.get(all.size() - 1);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      synchronized (received) {
        received.add(
            new Received(
                exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
      }
      Canned response;
      synchronized (queue) {
        response = queue.isEmpty() ? Canned.of(200, PLAIN_COMPLETION) : queue.removeFirst();
      }
      if (response.hang()) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
