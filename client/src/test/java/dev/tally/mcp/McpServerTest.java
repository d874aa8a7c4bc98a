package dev.tally.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tally mcp} as a subprocess, driven by the MCP Java SDK's client over stdio and Streamable
 * HTTP, against the embedded stack with a real git repository and a scripted harness.
 */
class McpServerTest {
  @RegisterExtension static final McpStack STACK = new McpStack();

  static final List<String> TOOLS =
      List.of(
          "delegate_code",
          "delegate_research",
          "delegation_status",
          "delegation_history",
          "delegate_feedback",
          "delegation_cancel",
          "supervise",
          "run_status",
          "run_raise_budget",
          "run_cancel",
          "ops_stats",
          "ops_digest");

  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  private final List<McpSchema.ProgressNotification> progress =
      Collections.synchronizedList(new ArrayList<>());

  private McpSyncClient stdio() {
    return McpProcesses.stdioClient(
        McpProcesses.command(STACK.address()), McpProcesses.env(STACK), stderr, progress::add);
  }

  static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  static JsonNode ok(CallToolResult r) {
    assertThat(r.isError()).as("tool error: %s", text(r)).isNotEqualTo(Boolean.TRUE);
    JsonNode structured = Json.CANONICAL.valueToTree(r.structuredContent());
    // The text copy says the same as structuredContent.
    assertThat(Json.canonical(Json.parse(text(r))))
        .isEqualTo(Json.canonical(Json.parse(Json.canonical(r.structuredContent()))));
    return structured;
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  static JsonNode awaitStatus(McpSyncClient client, String taskId, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      JsonNode s = ok(call(client, "delegation_status", Map.of("taskId", taskId)));
      String status = s.path("status").asText();
      if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
        return s;
      }
      assertThat(s.path("pollAfterMs").asLong()).isPositive();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still " + status + " after " + within + ": " + s);
      }
      Thread.sleep(300);
    }
  }

  private Map<String, Object> codeArgs(String goal) {
    return Map.of(
        "goal",
        goal,
        "repoRoot",
        STACK.repo().toString(),
        "config",
        Map.of("testCmd", "true", "maxDiffLines", 10));
  }

  @Test
  void toolsList_overStdio_everySpecToolWithAStrictSchemaAndRanges() {
    try (McpSyncClient client = stdio()) {
      List<McpSchema.Tool> tools = client.listTools().tools();

      assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(TOOLS);
      for (McpSchema.Tool t : tools) {
        assertThat(t.inputSchema().get("additionalProperties")).as(t.name()).isEqualTo(false);
        assertThat(t.description()).as(t.name()).hasSizeGreaterThan(80);
      }
      JsonNode code = schema(tools, "delegate_code");
      assertThat(code.path("required")).containsExactly(text("goal"), text("repoRoot"));
      assertThat(code.at("/properties/variants/minimum").asInt()).isEqualTo(1);
      assertThat(code.at("/properties/variants/maximum").asInt()).isEqualTo(8);
      assertThat(code.at("/properties/config/additionalProperties").asBoolean(true)).isFalse();
      assertThat(schema(tools, "delegate_feedback").at("/properties/rating/properties/score"))
          .isEqualTo(
              Json.parse(
                  "{\"type\":\"number\",\"minimum\":0.0,\"maximum\":1.0,"
                      + "\"description\":\"0 (useless) .. 1 (perfect).\"}"));
      assertThat(schema(tools, "delegation_history").at("/properties/limit/maximum").asInt())
          .isEqualTo(500);
      assertThat(tool(tools, "delegate_code").description())
          .contains("delegation_status")
          .contains("every 15");
    }
  }

  private static com.fasterxml.jackson.databind.node.TextNode text(String s) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
  }

  private static McpSchema.Tool tool(List<McpSchema.Tool> tools, String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static JsonNode schema(List<McpSchema.Tool> tools, String name) {
    return Json.CANONICAL.valueToTree(tool(tools, name).inputSchema());
  }

  @Test
  void delegateCode_overStdio_pollsToCompletedPatchThenFeedbackHistoryAndReuse() throws Exception {
    try (McpSyncClient client = stdio()) {
      JsonNode submitted = ok(call(client, "delegate_code", codeArgs("add a line over mcp")));
      String taskId = submitted.path("taskId").asText();
      assertThat(taskId).startsWith("dlg-coder-");
      assertThat(submitted.path("reused").asBoolean()).isFalse();
      assertThat(submitted.path("estimatedDurationMs").asLong()).isPositive();

      JsonNode done = awaitStatus(client, taskId, Duration.ofSeconds(120));

      assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
      assertThat(done.at("/result/patch").asText()).contains("+two");
      assertThat(done.has("turns")).isFalse();
      JsonNode traced =
          ok(call(client, "delegation_status", Map.of("taskId", taskId, "includeTrace", true)));
      assertThat(traced.path("turns")).isNotEmpty();

      JsonNode again = ok(call(client, "delegate_code", codeArgs("add a line over mcp")));
      assertThat(again.path("taskId").asText()).isEqualTo(taskId);
      assertThat(again.path("reused").asBoolean()).isTrue();

      JsonNode fb =
          ok(
              call(
                  client,
                  "delegate_feedback",
                  Map.of(
                      "refersTo",
                      Map.of("kind", "delegation", "ref", taskId),
                      "rating",
                      Map.of("score", 0.9, "label", "good", "notes", "clean patch"),
                      "by",
                      "agent")));
      assertThat(fb.path("recorded").asBoolean()).isTrue();
      assertThat(fb.path("id").asText()).isNotBlank();

      JsonNode history =
          ok(call(client, "delegation_history", Map.of("profile", "coder", "limit", 500)));
      assertThat(history.path("delegations").findValuesAsText("taskId")).contains(taskId);
      JsonNode row = null;
      for (JsonNode d : history.path("delegations")) {
        if (d.path("taskId").asText().equals(taskId)) {
          row = d;
        }
      }
      assertThat(row.path("status").asText()).isEqualTo("completed");
      JsonNode researchers =
          ok(call(client, "delegation_history", Map.of("profile", "researcher")));
      assertThat(researchers.path("delegations").findValuesAsText("taskId")).doesNotContain(taskId);
    }
    // The working repository itself is untouched: the change came back as a patch.
    assertThat(Files.readString(STACK.repo().resolve("notes.txt"))).isEqualTo("one\n");
  }

  @Test
  void opsStatsAndDigest_afterADelegationCloses_observerCountsItAndWritesADigest()
      throws Exception {
    try (McpSyncClient client = stdio()) {
      String taskId =
          ok(call(client, "delegate_code", codeArgs("observed over mcp"))).path("taskId").asText();
      assertThat(awaitStatus(client, taskId, Duration.ofSeconds(120)).path("status").asText())
          .isEqualTo("completed");

      JsonNode stats = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        stats = ok(call(client, "ops_stats", Map.of()));
        if (stats.at("/stats/aggregates/byOutcome/completed/ops").asLong() >= 1) {
          break;
        }
        Thread.sleep(250);
      }
      assertThat(stats.path("observer").asText()).as(String.valueOf(stats)).isEqualTo("running");
      assertThat(stats.at("/stats/aggregates/byKind/delegation/ops").asLong()).isPositive();
      assertThat(stats.at("/stats/aggregates/byProfile/coder/succeeded").asLong()).isPositive();

      JsonNode written = ok(call(client, "ops_digest", Map.of("write", true)));
      long seq = written.at("/digest/seq").asLong();
      assertThat(seq).isPositive();
      assertThat(written.at("/digest/diagnosis/status").asText()).isEqualTo("off");
      JsonNode listed = ok(call(client, "ops_digest", Map.of("limit", 1)));
      assertThat(listed.path("digests")).hasSize(1);
      assertThat(listed.at("/digests/0/seq").asLong()).isEqualTo(seq);
    }
  }

  @Test
  void delegationStatus_afterARestartOfTallyMcp_sameTaskCarriesOn() throws Exception {
    String taskId;
    try (McpSyncClient first = stdio()) {
      taskId =
          ok(call(first, "delegate_code", codeArgs("restart between calls")))
              .path("taskId")
              .asText();
    }
    // A new server process: nothing carried over but the id the agent kept.
    try (McpSyncClient second = stdio()) {
      JsonNode done = awaitStatus(second, taskId, Duration.ofSeconds(120));
      assertThat(done.path("taskId").asText()).isEqualTo(taskId);
      assertThat(done.path("status").asText()).isEqualTo("completed");
      assertThat(done.at("/result/patch").asText()).contains("+two");
      JsonNode again = ok(call(second, "delegate_code", codeArgs("restart between calls")));
      assertThat(again.path("reused").asBoolean()).isTrue();
      assertThat(again.path("taskId").asText()).isEqualTo(taskId);
    }
  }

  @Test
  void delegationCancel_overHttpWithToken_slowHarnessIsGoneAndProgressWasSent() throws Exception {
    Files.deleteIfExists(STACK.slowPidFile());
    Map<String, String> env = McpProcesses.env(STACK);
    env.put("TALLY_MCP_TOKEN", "test-token-not-a-secret");
    try (McpProcesses.HttpServer server =
            McpProcesses.HttpServer.start(
                McpProcesses.command(STACK.address(), "--http", "127.0.0.1:0"), env);
        McpSyncClient client =
            McpProcesses.httpClient(server.url, "test-token-not-a-secret", progress::add)) {
      String taskId =
          ok(call(client, "delegate_code", codeArgs("SLOW: take forever"))).path("taskId").asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(STACK.slowPidFile())
          || Files.readString(STACK.slowPidFile()).isBlank()) {
        assertThat(System.nanoTime()).as("harness never started").isLessThan(deadline);
        Thread.sleep(100);
      }
      long pid = Long.parseLong(Files.readString(STACK.slowPidFile()).trim());
      assertThat(McpStack.running(pid)).isTrue();
      JsonNode running = ok(call(client, "delegation_status", Map.of("taskId", taskId)));
      assertThat(running.path("status").asText()).isIn("pending", "running");
      // Cancel just after a tick (see McpStack.TICK for why this matters on the test server).
      int iteration = running.at("/progress/iteration").asInt();
      while (ok(call(client, "delegation_status", Map.of("taskId", taskId)))
              .at("/progress/iteration")
              .asInt()
          == iteration) {
        assertThat(System.nanoTime()).as("no tick").isLessThan(deadline + 30_000_000_000L);
        Thread.sleep(50);
      }

      CallToolResult cancel =
          client.callTool(
              new McpSchema.CallToolRequest(
                  "delegation_cancel",
                  Map.of("taskId", taskId, "reason", "test"),
                  Map.of("progressToken", "cancel-1")));

      JsonNode c = ok(cancel);
      assertThat(c.path("cancelled").asBoolean()).isTrue();
      // On a busy machine the sandbox may take longer than the call waits: the answer then says
      // so, and polling shows the end.
      if (!c.path("status").asText().equals("cancelled")) {
        assertThat(c.path("next").asText()).contains("poll delegation_status");
        c = awaitStatus(client, taskId, Duration.ofSeconds(120));
      }
      assertThat(c.path("status").asText()).isEqualTo("cancelled");
      assertThat(McpStack.running(pid)).as("harness pid %s after cancel", pid).isFalse();
      assertThat(progress).isNotEmpty();
      assertThat(progress.get(0).progressToken()).isEqualTo("cancel-1");
      assertThat(progress.get(0).message()).contains(taskId);
      JsonNode twice = ok(call(client, "delegation_cancel", Map.of("taskId", taskId)));
      assertThat(twice.path("cancelled").asBoolean()).isTrue();
      assertThat(twice.path("status").asText()).isEqualTo("cancelled");
    }
  }

  @Test
  void http_withoutOrWithAWrongToken_isRefusedWith401() throws Exception {
    Map<String, String> env = McpProcesses.env(STACK);
    env.put("TALLY_MCP_TOKEN", "right-token");
    try (McpProcesses.HttpServer server =
        McpProcesses.HttpServer.start(
            McpProcesses.command(STACK.address(), "--http", "127.0.0.1:0"), env)) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
              + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
              + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
      for (String auth : new String[] {null, "Bearer wrong-token"}) {
        java.net.http.HttpRequest.Builder req =
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
          req.header("Authorization", auth);
        }
        java.net.http.HttpResponse<String> r =
            http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(auth + ": " + r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"tally\"");
        assertThat(r.body()).doesNotContain("right-token");
      }
    }
  }

  @Test
  void http_nonLoopbackBindWithoutToken_refusesToStart() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(McpProcesses.command(STACK.address(), "--http", "0.0.0.0:0"));
    pb.environment().clear();
    pb.environment().putAll(McpProcesses.env(STACK));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(out).contains("TALLY_MCP_TOKEN").contains("non-loopback");
  }

  @Test
  void supervise_overHttp_runStatusReachesAWinnerWithItsLedger() throws Exception {
    try (McpProcesses.HttpServer server =
            McpProcesses.HttpServer.start(
                McpProcesses.command(STACK.address(), "--http", "127.0.0.1:0"),
                McpProcesses.env(STACK));
        McpSyncClient client = McpProcesses.httpClient(server.url, null, progress::add)) {
      JsonNode started =
          ok(
              call(
                  client,
                  "supervise",
                  Map.of(
                      "task",
                      "mcp smoke",
                      "budget",
                      Map.of("maxTokens", 60000, "maxIterations", 8))));
      String runId = started.path("runId").asText();
      assertThat(runId).startsWith("run-");

      JsonNode s = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      do {
        Thread.sleep(300);
        s = ok(call(client, "run_status", Map.of("runId", runId)));
      } while (s.path("temporalStatus").asText().equals("RUNNING") && System.nanoTime() < deadline);

      assertThat(s.at("/result/kind").asText()).as(s.toString()).isEqualTo("WINNER");
      assertThat(s.at("/ledger/entries")).isNotEmpty();
      assertThat(s.at("/ledger/consistent").asBoolean()).isTrue();
      assertThat(s.at("/ledger/totals/spentTotal")).isEqualTo(s.at("/result/spentTotal"));

      CallToolResult raise =
          call(client, "run_raise_budget", Map.of("runId", runId, "maxTokens", 120000));
      assertThat(raise.isError()).isTrue();
      assertThat(text(raise)).contains("already ended").contains(runId);
      assertThat(
              Json.CANONICAL
                  .valueToTree(raise.structuredContent())
                  .path("error")
                  .path("kind")
                  .asText())
          .isEqualTo("wrong-state");
      JsonNode cancel = ok(call(client, "run_cancel", Map.of("runId", runId)));
      assertThat(cancel.path("cancelled").asBoolean()).isFalse();
    }
  }

  @Test
  void runRaiseBudget_pausedRun_refusalNamesTheFieldThenTheRaiseResumesItToAWinner()
      throws Exception {
    try (McpSyncClient client = stdio()) {
      JsonNode started =
          ok(
              call(
                  client,
                  "supervise",
                  Map.of(
                      "task",
                      "mcp pause",
                      "budget",
                      Map.of("maxTokens", 60000, "maxIterations", 1),
                      "onBudgetExhausted",
                      "pause",
                      "pauseTimeoutMs",
                      600000)));
      String runId = started.path("runId").asText();
      JsonNode s = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      do {
        Thread.sleep(200);
        s = ok(call(client, "run_status", Map.of("runId", runId)));
      } while (!s.at("/status/phase").asText().equals("paused") && System.nanoTime() < deadline);
      assertThat(s.at("/status/phase").asText()).as(s.toString()).isEqualTo("paused");

      CallToolResult lower =
          call(client, "run_raise_budget", Map.of("runId", runId, "maxIterations", 1));
      assertThat(lower.isError()).isTrue();
      assertThat(text(lower))
          .contains("maxIterations: expected more than the current ceiling 1 (spent 1), got 1");
      assertThat(
              Json.CANONICAL
                  .valueToTree(lower.structuredContent())
                  .path("error")
                  .path("kind")
                  .asText())
          .isEqualTo("invalid-arguments");

      JsonNode raised =
          ok(call(client, "run_raise_budget", Map.of("runId", runId, "maxIterations", 5)));
      assertThat(raised.at("/pool/iterationsLeft").asLong()).isEqualTo(4);
      deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      do {
        Thread.sleep(200);
        s = ok(call(client, "run_status", Map.of("runId", runId)));
      } while (s.path("temporalStatus").asText().equals("RUNNING") && System.nanoTime() < deadline);
      assertThat(s.at("/result/kind").asText()).as(s.toString()).isEqualTo("WINNER");
      assertThat(s.at("/ledger/consistent").asBoolean()).isTrue();
      assertThat(s.at("/ledger/entries").findValuesAsText("kind")).contains("raised");
    }
  }

  @Test
  void anyTool_temporalUnreachable_errorSaysWhereItLooked() throws Exception {
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (McpSyncClient client =
        McpProcesses.stdioClient(
            McpProcesses.command("127.0.0.1:" + dead), McpProcesses.env(STACK), stderr, p -> {})) {
      CallToolResult r = call(client, "delegation_status", Map.of("taskId", "dlg-coder-x"));

      assertThat(r.isError()).isTrue();
      assertThat(text(r)).contains("cannot reach Temporal at 127.0.0.1:" + dead);
      JsonNode error = Json.CANONICAL.valueToTree(r.structuredContent()).path("error");
      assertThat(error.path("kind").asText()).isEqualTo("temporal-unreachable");
      assertThat(client.listTools().tools()).hasSize(TOOLS.size());
    }
  }

  @Test
  void stdio_rawJsonRpc_stdoutCarriesOnlyProtocolMessagesAndStdinEofEndsTheServer()
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(McpProcesses.command(STACK.address()));
    pb.environment().clear();
    pb.environment().putAll(McpProcesses.env(STACK));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String requests =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{"
            + "\"name\":\"delegation_status\",\"arguments\":{\"taskId\":\"dlg-coder-none\"}}}\n";
    p.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    List<JsonNode> replies = new ArrayList<>();
    java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    String line;
    while (replies.size() < 3 && (line = out.readLine()) != null) {
      replies.add(Json.parse(line));
    }
    p.getOutputStream().close();
    String rest = out.lines().collect(java.util.stream.Collectors.joining("\n"));

    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("exits on EOF").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(rest).isBlank();
    assertThat(replies).extracting(r -> r.path("jsonrpc").asText()).containsOnly("2.0");
    assertThat(replies.get(1).at("/result/tools")).hasSize(TOOLS.size());
    assertThat(replies.get(2).at("/result/isError").asBoolean()).isTrue();
    assertThat(replies.get(2).at("/result/content/0/text").asText())
        .contains("no delegation or run with id 'dlg-coder-none'");
  }
}
