package dev.tally.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tally mcp} driven by the official TypeScript MCP SDK ({@code @modelcontextprotocol/sdk},
 * run by Node), over stdio and Streamable HTTP: the client most coding agents are built on.
 *
 * <p>Needs Node 20+ and {@code npm ci} in {@code client/src/test/mcp-node} ({@code
 * .ci/install-tools.sh} does it). Without them it skips, saying why, unless {@code
 * -Dtally.requireTools=true}, where it fails.
 */
class McpNodeClientTest {
  @RegisterExtension static final McpStack STACK = new McpStack();

  static final Path NODE_DIR = Path.of("src/test/mcp-node").toAbsolutePath();
  static final Path SCRIPT = NODE_DIR.resolve("drive-tally-mcp.mjs");

  @BeforeAll
  static void requireNode() throws Exception {
    String missing = null;
    if (!Files.isDirectory(NODE_DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      missing = "no node_modules in " + NODE_DIR + " (run `npm ci` there, or .ci/install-tools.sh)";
    } else if (!nodeWorks()) {
      missing = "no working `node` (20+) on the PATH";
    }
    if (missing != null && Boolean.getBoolean("tally.requireTools")) {
      throw new AssertionError("tally.requireTools=true but " + missing);
    }
    assumeTrue(missing == null, missing);
  }

  private static boolean nodeWorks() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS)
          && p.exitValue() == 0
          && v.matches("v(\\d+)\\..*")
          && Integer.parseInt(v.substring(1, v.indexOf('.'))) >= 20;
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonNode drive(Map<String, Object> config) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("node", SCRIPT.toString(), Json.CANONICAL.writeValueAsString(config))
            .directory(NODE_DIR.toFile());
    Path stderr = Files.createTempFile(STACK.dir(), "node-", ".log");
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("node failed:\n%s", Files.readString(stderr)).isZero();
    return Json.parse(out.strip());
  }

  private static void assertTheAgentLoopWorked(JsonNode seen) {
    assertThat(seen.path("serverName").asText()).isEqualTo("tally");
    assertThat(seen.path("instructions").asText()).contains("delegation_status");
    List<String> tools = new java.util.ArrayList<>();
    seen.path("tools").forEach(t -> tools.add(t.asText()));
    assertThat(tools).containsExactlyElementsOf(McpServerTest.TOOLS);
    assertThat(seen.path("strictSchemas").asBoolean()).isTrue();
    assertThat(seen.path("variantsRange").toString()).isEqualTo("[1,8]");
    assertThat(seen.path("delegateCodeRequired").toString()).isEqualTo("[\"goal\",\"repoRoot\"]");
    assertThat(seen.path("superviseFields").toString())
        .contains("\"onBudgetExhausted\"", "\"pauseTimeoutMs\"", "\"continueAsNewAfterEvents\"");
    assertThat(seen.path("onBudgetExhausted").toString()).isEqualTo("[\"end\",\"pause\"]");
    assertThat(seen.path("raiseFields").toString())
        .isEqualTo("[\"runId\",\"maxTokens\",\"maxUsd\",\"maxIterations\",\"deadlineMs\"]");
    assertThat(seen.path("submitIsError").asBoolean()).isFalse();
    assertThat(seen.path("textMatchesStructured").asBoolean()).isTrue();
    assertThat(seen.at("/submitted/reused").asBoolean()).isFalse();
    assertThat(seen.path("finalStatus").asText()).as(seen.toString()).isEqualTo("completed");
    assertThat(seen.path("patch").asText()).contains("+two");
    assertThat(seen.at("/resubmitted/reused").asBoolean()).isTrue();
    assertThat(seen.at("/resubmitted/taskId")).isEqualTo(seen.at("/submitted/taskId"));
    assertThat(seen.at("/malformed/isError").asBoolean()).isTrue();
    assertThat(seen.at("/malformed/text").asText())
        .contains("variants: expected an integer in 1..8, got 9")
        .contains("colour: expected no such field");
    assertThat(seen.at("/malformed/problems")).hasSize(2);
    assertThat(seen.path("historyHasTask").asBoolean()).isTrue();
  }

  @Test
  void typescriptSdk_overStdio_delegatesPollsToCompletedAndGetsToolErrors() throws Exception {
    List<String> command = McpProcesses.command(STACK.address());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("mode", "stdio");
    config.put("command", command.get(0));
    config.put("args", command.subList(1, command.size()));
    config.put("env", McpProcesses.env(STACK));
    config.put("repoRoot", STACK.repo().toString());
    config.put("goal", "node over stdio");

    assertTheAgentLoopWorked(drive(config));
  }

  @Test
  void typescriptSdk_overHttpWithToken_delegatesPollsToCompletedAndGetsToolErrors()
      throws Exception {
    Map<String, String> env = McpProcesses.env(STACK);
    env.put("TALLY_MCP_TOKEN", "node-test-token");
    try (McpProcesses.HttpServer server =
        McpProcesses.HttpServer.start(
            McpProcesses.command(STACK.address(), "--http", "127.0.0.1:0"), env)) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("mode", "http");
      config.put("url", server.url);
      config.put("token", "node-test-token");
      config.put("repoRoot", STACK.repo().toString());
      config.put("goal", "node over http");

      assertTheAgentLoopWorked(drive(config));
    }
  }
}
