package dev.tally.router.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible router on loopback that answers the n-th request as a scenario says (a
 * fault, or a plain final answer) and records what it billed for each one: prompt tokens from the
 * body's size, a fixed completion. Requests that fail before the provider would bill (5xx, 429) are
 * recorded as not billed.
 */
final class FaultRouter implements AutoCloseable {
  static final long COMPLETION_TOKENS = 7;

  /** One answer: status, body, whether to hang instead, and whether the provider billed it. */
  record Answer(int status, String body, boolean hang, boolean billed) {
    static Answer ok(String body) {
      return new Answer(200, body, false, true);
    }
  }

  /** What the router did with one request. */
  record Exchange(
      int index, long promptTokens, long completionTokens, boolean billed, long receivedAtNanos) {
    long tokens() {
      return billed ? promptTokens + completionTokens : 0;
    }
  }

  private final HttpServer server;
  private final Script script;
  private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch released = new CountDownLatch(1);

  /** How to answer request {@code index} (0-based) whose body counts {@code prompt} tokens. */
  @FunctionalInterface
  interface Script {
    Answer answer(int index, long prompt, String body);
  }

  FaultRouter(Script script) {
    this.script = script;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/chat/completions", this::answer);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  List<Exchange> exchanges() {
    synchronized (exchanges) {
      return List.copyOf(exchanges);
    }
  }

  long billedTokens() {
    return exchanges().stream().mapToLong(Exchange::tokens).sum();
  }

  /** A well-formed final answer (no tool calls) with usage for {@code prompt} tokens. */
  static String completion(long prompt) {
    return "{\"model\":\"gpt-5-nano\",\"choices\":[{\"message\":{\"role\":\"assistant\","
        + "\"content\":\"done\"}}],"
        + usage(prompt)
        + "}";
  }

  static String usage(long prompt) {
    return "\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + COMPLETION_TOKENS
        + "}";
  }

  private void answer(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    long prompt = (body.length + 3) / 4;
    int index = exchanges.size();
    Answer a = script.answer(index, prompt, new String(body, StandardCharsets.UTF_8));
    exchanges.add(new Exchange(index, prompt, COMPLETION_TOKENS, a.billed(), System.nanoTime()));
    if (a.hang()) {
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(a.status(), out.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
