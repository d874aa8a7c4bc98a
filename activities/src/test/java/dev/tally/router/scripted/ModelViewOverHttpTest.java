package dev.tally.router.scripted;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A driver that knows only what Tally tells a model, over real loopback HTTP: it reads the budget
 * line from the request and sizes its spawns from it, finds every worker kind with the shape of its
 * task in the {@code spawn_worker} schema, and spawns a sub-driver without a budget, which (on the
 * documented default) funds a child of its own.
 */
class ModelViewOverHttpTest {
  private static final Pattern TOKENS_LEFT = Pattern.compile("tokensLeft=(-?\\d+)/(\\d+)");
  private static final Pattern PER_WORKER = Pattern.compile("perWorker=(\\d+) tokens");

  private final List<JsonNode> driverRequests = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> sizedSpawns = Collections.synchronizedList(new ArrayList<>());
  private HttpServer server;
  private TestWorkflowEnvironment env;

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void driverReadingOnlyWhatTallySendsIt_sizesSpawnsFromTheBudgetLine_andASubDriverFundsAChild()
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::answer);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    RouterConfig config =
        RouterConfig.fromEnv(
            Map.of(
                RouterConfig.BASE_URL_ENV,
                baseUrl,
                RouterConfig.DRIVER_MODEL_ENV,
                "model-view",
                RouterConfig.WORKER_MODEL_ENV,
                "model-view"));
    env =
        SupervisedRunEnv.start(
            false, RouterChatActivitiesImpl.create(config, new InMemoryBlobStore()));
    String id = "run-model-view";
    SupervisedRunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(SupervisedRunEnv.QUEUE)
                    .setWorkflowRunTimeout(Duration.ofMinutes(5))
                    .build());
    RunRequest request =
        new RunRequest(
            TextNode.valueOf("root task"),
            Budget.of(20, 400_000),
            Budget.of(1, 8_000),
            40,
            null,
            null,
            null,
            null,
            null);

    RunResult result = run.run(request);

    assertThat(result.kind()).as(result.toString()).isEqualTo(RunResult.WINNER);
    assertThat(driverRequests).isNotEmpty();
    assertThat(driverRequests)
        .as("every driver request ends with the budget line")
        .allSatisfy(r -> assertThat(lastContent(r)).contains("[tally budget] tokensLeft="));
    JsonNode spawn = spawnTool(driverRequests.get(0));
    List<String> kinds = new ArrayList<>();
    spawn.path("properties").path("profile").path("enum").forEach(k -> kinds.add(k.asText()));
    assertThat(kinds).contains("sandbox");
    assertThat(spawn.path("properties").path("profile").path("description").asText())
        .contains("sandbox: ")
        .contains("\"profile\": \"coder\"");
    List<LedgerEntry> ledger =
        LedgerRebuilder.fromHistoryJson(env.getWorkflowClient().fetchHistory(id).toJson(false));
    LedgerEntry.Spawned sized =
        ledger.stream()
            .filter(e -> e instanceof LedgerEntry.Spawned s && s.profile().equals("chat"))
            .map(LedgerEntry.Spawned.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(sizedSpawns).hasSize(1);
    assertThat(sized.budget().tokens())
        .as("sized from the budget line")
        .isEqualTo(sizedSpawns.get(0));
    List<LedgerEntry> nested =
        LedgerRebuilder.fromHistoryJson(
            env.getWorkflowClient().fetchHistory(id + ":s2").toJson(false));
    assertThat(nested)
        .as("the default sub-driver funded a child of its own")
        .anyMatch(
            e ->
                e instanceof LedgerEntry.Settled s
                    && s.id().equals(id + ":s2:s1")
                    && s.status().equals("done"));
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = Json.CANONICAL.readTree(in);
      }
      boolean driver = request.path("tools").isArray() && !request.path("tools").isEmpty();
      ObjectNode message = Json.CANONICAL.createObjectNode().put("role", "assistant");
      if (driver) {
        driverRequests.add(request);
        drive(request, message);
      } else {
        message.put("content", "a worker's answer");
      }
      ObjectNode body = Json.CANONICAL.createObjectNode().put("model", "model-view");
      body.putArray("choices").addObject().put("index", 0).set("message", message);
      long prompt = request.path("messages").toString().length() / 4;
      body.putObject("usage")
          .put("prompt_tokens", prompt)
          .put("completion_tokens", 12)
          .put("cost", 0.0001);
      byte[] bytes = Json.CANONICAL.writeValueAsBytes(body);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The script: what a model would do with what it reads. */
  private void drive(JsonNode request, ObjectNode message) {
    JsonNode messages = request.path("messages");
    String task = messages.get(1).path("content").asText();
    String line = lastContent(request);
    List<JsonNode> results = new ArrayList<>();
    for (JsonNode m : messages) {
      if ("tool".equals(m.path("role").asText())) {
        String c = m.path("content").asText();
        int at = c.indexOf("[tally budget]");
        results.add(Json.parse(at < 0 ? c : c.substring(0, at)));
      }
    }
    ArrayNode calls = message.put("content", "").putArray("tool_calls");
    long settled = results.stream().filter(r -> "settled".equals(r.path("type").asText())).count();
    if (results.isEmpty() && task.startsWith("root task")) {
      Matcher left = TOKENS_LEFT.matcher(line);
      Matcher per = PER_WORKER.matcher(line);
      assertThat(left.find() && per.find()).as(line).isTrue();
      // A careful model gives a chat worker a tenth of what is left, at least the default.
      long size = Math.max(Long.parseLong(per.group(1)), Long.parseLong(left.group(1)) / 10);
      sizedSpawns.add(size);
      call(
          calls,
          "spawn_worker",
          "{\"profile\":\"chat\",\"task\":\"part one\",\"label\":null,"
              + "\"budget\":{\"maxTokens\":"
              + size
              + ",\"maxIterations\":null,\"maxUsd\":null,"
              + "\"deadlineMs\":null}}");
      call(
          calls,
          "spawn_worker",
          "{\"profile\":\"driver\",\"task\":\"sub-goal\",\"label\":null," + "\"budget\":null}");
    } else if (results.isEmpty()) {
      call(
          calls,
          "spawn_worker",
          "{\"profile\":\"chat\",\"task\":\"sub part\",\"label\":null," + "\"budget\":null}");
    } else if (settled < (task.startsWith("root task") ? 2 : 1)) {
      call(calls, "await_event", "{\"kinds\":null}");
    } else {
      call(calls, "stop", "{\"reason\":null,\"winner\":null}");
    }
  }

  private static void call(ArrayNode calls, String name, String arguments) {
    ObjectNode c = calls.addObject().put("id", "c" + calls.size()).put("type", "function");
    c.putObject("function").put("name", name).put("arguments", arguments);
  }

  private static String lastContent(JsonNode request) {
    JsonNode messages = request.path("messages");
    return messages.get(messages.size() - 1).path("content").asText();
  }

  private static JsonNode spawnTool(JsonNode request) {
    for (JsonNode t : request.path("tools")) {
      if ("spawn_worker".equals(t.path("function").path("name").asText())) {
        return t.path("function").path("parameters");
      }
    }
    throw new AssertionError("no spawn_worker tool in " + request.path("tools"));
  }
}
