package dev.tally.testkit;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A Tangle Intelligence ingest on loopback: records every request it gets and answers from a queue
 * of scripted replies, or with a full acknowledgement of the batch when the queue is empty.
 */
public final class IngestStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received: method, path, headers (lower-case names) and body. */
  public record Received(String method, String path, Map<String, String> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** A scripted reply. */
  public record Reply(int status, String body, Map<String, String> headers) {
    public static Reply of(int status, String body) {
      return new Reply(status, body, Map.of());
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final Deque<Function<Received, Reply>> replies = new ArrayDeque<>();

  private IngestStub(HttpServer server) {
    this.server = server;
  }

  public static IngestStub start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      IngestStub stub = new IngestStub(server);
      server.createContext("/", stub::handle);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String base() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Queues a reply for the next request. */
  public IngestStub then(int status, String body) {
    return then(r -> Reply.of(status, body));
  }

  public synchronized IngestStub then(Function<Received, Reply> reply) {
    replies.addLast(reply);
    return this;
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
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
          .forEach(
              (k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
      Received r =
          new Received(
              exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body);
      Function<Received, Reply> next;
      synchronized (this) {
        received.add(r);
        next = replies.pollFirst();
      }
      Reply reply = next == null ? fullAck(r) : next.apply(r);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** {@code {"accepted": n, "rejected": []}} for the events in the request. */
  public static Reply fullAck(Received r) {
    int n = r.json().path("events").size();
    return Reply.of(200, "{\"accepted\":" + n + ",\"rejected\":[]}");
  }
}
