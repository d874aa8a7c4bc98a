package dev.tally.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of malformed calls sent to one {@code tally mcp} process over stdio: each one is a tool
 * error that names the problem (field, expected, got; or the unknown id), and the same server still
 * serves afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpMalformedCallsTest {
  @RegisterExtension static final McpStack STACK = new McpStack();

  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  private McpSyncClient client;

  @BeforeAll
  void connect() {
    client =
        McpProcesses.stdioClient(
            McpProcesses.command(STACK.address()), McpProcesses.env(STACK), stderr, p -> {});
  }

  @AfterAll
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static String repo() {
    return "/tmp/some-absolute-repo";
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        row(
            "delegate_code",
            "{}",
            "invalid-arguments",
            "goal: expected a non-blank string (required), got nothing",
            "repoRoot: expected"),
        row(
            "delegate_code",
            "{\"goal\":42,\"repoRoot\":\"" + repo() + "\"}",
            "invalid-arguments",
            "goal: expected a non-blank string, got 42 (a number)"),
        row(
            "delegate_code",
            "{\"goal\":\"  \",\"repoRoot\":\"" + repo() + "\"}",
            "invalid-arguments",
            "goal: expected a non-blank string, got \"  \""),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"variants\":9}",
            "invalid-arguments",
            "variants: expected an integer in 1..8, got 9 (a number)"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"variants\":0}",
            "invalid-arguments",
            "variants: expected an integer in 1..8, got 0"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"variants\":\"three\"}",
            "invalid-arguments",
            "variants: expected an integer in 1..8, got \"three\" (a string)"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"variants\":2.5}",
            "invalid-arguments",
            "variants: expected an integer in 1..8, got 2.5"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"branch\":\"main\"}",
            "invalid-arguments",
            "branch: expected no such field (allowed: goal, repoRoot, contextHint, variants, config, namespace)"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"config\":{\"maxDiffLines\":0}}",
            "invalid-arguments",
            "config.maxDiffLines: expected an integer >= 1, got 0"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"config\":{\"lint\":\"x\"}}",
            "invalid-arguments",
            "config.lint: expected no such field"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"" + repo() + "\",\"config\":\"strict\"}",
            "invalid-arguments",
            "config: expected an object with [testCmd, typecheckCmd, forbiddenPaths, maxDiffLines, harnesses, models, maxConcurrency, reviewer, winner], got \"strict\""),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\"relative/repo\"}",
            "invalid-arguments",
            "repoRoot: expected an absolute path",
            "relative/repo"),
        row(
            "delegate_code",
            "{\"goal\":\"g\",\"repoRoot\":\""
                + repo()
                + "\",\"config\":{\"forbiddenPaths\":[\"ok\",3]}}",
            "invalid-arguments",
            "config.forbiddenPaths[1]: expected a non-blank string, got 3"),
        row(
            "delegate_research",
            "{\"question\":\"why?\"}",
            "invalid-arguments",
            "namespace: expected a non-blank string (required), got nothing"),
        row(
            "delegate_research",
            "{\"question\":\"why?\",\"namespace\":\"n\",\"sources\":[\"tv\"]}",
            "invalid-arguments",
            "sources[0]: expected one of [web, corpus, twitter, github, docs], got \"tv\""),
        row(
            "delegation_status",
            "{}",
            "invalid-arguments",
            "taskId: expected a non-blank string (required), got nothing"),
        row(
            "delegation_status",
            "{\"taskId\":null}",
            "invalid-arguments",
            "taskId: expected a non-blank string (required), got null"),
        row(
            "delegation_status",
            "{\"taskId\":\"dlg-coder-nosuchtask\"}",
            "unknown-id",
            "no delegation or run with id 'dlg-coder-nosuchtask'"),
        row(
            "delegation_status",
            "{\"taskId\":\"dlg-coder-x\",\"includeTrace\":\"yes\"}",
            "invalid-arguments",
            "includeTrace: expected true or false, got \"yes\""),
        row(
            "delegation_history",
            "{\"limit\":0}",
            "invalid-arguments",
            "limit: expected an integer in 1..500, got 0"),
        row(
            "delegation_history",
            "{\"limit\":501}",
            "invalid-arguments",
            "limit: expected an integer in 1..500, got 501"),
        row(
            "delegation_history",
            "{\"profile\":\"designer\"}",
            "invalid-arguments",
            "profile: expected one of [coder, researcher, ui-auditor], got \"designer\""),
        row(
            "delegation_history",
            "{\"since\":\"yesterday\"}",
            "invalid-arguments",
            "since: expected an ISO-8601 instant"),
        row(
            "delegate_feedback",
            feedback("dlg-coder-x", "1.5", "agent", "delegation"),
            "invalid-arguments",
            "rating.score: expected a number in 0..1, got 1.5"),
        row(
            "delegate_feedback",
            feedback("dlg-coder-x", "0.5", "robot", "delegation"),
            "invalid-arguments",
            "by: expected one of [agent, user, downstream-judge], got \"robot\""),
        row(
            "delegate_feedback",
            feedback("dlg-coder-x", "0.5", "agent", "file"),
            "invalid-arguments",
            "refersTo.kind: expected one of [delegation, artifact, outcome], got \"file\""),
        row(
            "delegate_feedback",
            "{\"refersTo\":{\"kind\":\"delegation\",\"ref\":\"x\"},\"rating\":{\"score\":0.5},\"by\":\"agent\"}",
            "invalid-arguments",
            "rating.notes: expected a non-blank string (required), got nothing"),
        row(
            "delegate_feedback",
            feedback("dlg-coder-nosuchtask", "0.5", "agent", "delegation"),
            "unknown-id",
            "no delegation or run with id 'dlg-coder-nosuchtask'"),
        row(
            "delegation_cancel",
            "{\"taskId\":\"dlg-coder-nosuchtask\"}",
            "unknown-id",
            "no delegation or run with id 'dlg-coder-nosuchtask'"),
        row(
            "supervise",
            "{\"task\":\"t\"}",
            "invalid-arguments",
            "budget: expected an object with [maxTokens, maxIterations, maxUsd, deadlineMs] (required), got nothing"),
        row(
            "supervise",
            "{\"task\":\"t\",\"budget\":{\"maxTokens\":-5,\"maxIterations\":1}}",
            "invalid-arguments",
            "budget.maxTokens: expected an integer >= 1, got -5"),
        row(
            "supervise",
            "{\"task\":\"t\",\"budget\":{\"maxTokens\":100,\"maxIterations\":1},\"onBudgetExhausted\":\"wait\"}",
            "invalid-arguments",
            "onBudgetExhausted: expected one of [end, pause], got \"wait\""),
        row(
            "supervise",
            "{\"task\":\"t\",\"budget\":{\"maxTokens\":100,\"maxIterations\":1},\"continueAsNewAfterEvents\":100}",
            "invalid-arguments",
            "continueAsNewAfterEvents: expected an integer >= 500, got 100"),
        row(
            "supervise",
            "{\"task\":\"t\",\"budget\":{\"maxTokens\":100,\"maxIterations\":1},\"pauseTimeoutMs\":0}",
            "invalid-arguments",
            "pauseTimeoutMs: expected an integer in 1..315360000000, got 0"),
        row(
            "supervise",
            "{\"task\":[1,2],\"budget\":{\"maxTokens\":100,\"maxIterations\":1}}",
            "invalid-arguments",
            "task: expected a non-blank string or a JSON object, got [1,2] (an array)"),
        row(
            "run_status",
            "{\"runId\":\"run-nosuchrun\"}",
            "unknown-id",
            "no delegation or run with id 'run-nosuchrun'"),
        row(
            "run_cancel",
            "{\"runId\":7}",
            "invalid-arguments",
            "runId: expected a non-blank string, got 7 (a number)"),
        row(
            "run_raise_budget",
            "{\"runId\":\"run-x\"}",
            "invalid-arguments",
            "at least one new ceiling"),
        row(
            "run_raise_budget",
            "{\"runId\":\"run-nosuchrun\",\"maxTokens\":5000}",
            "unknown-id",
            "no delegation or run with id 'run-nosuchrun'"),
        row(
            "run_raise_budget",
            "{\"runId\":\"run-x\",\"maxUsd\":-1}",
            "invalid-arguments",
            "maxUsd: expected a number"));
  }

  private static String feedback(String ref, String score, String by, String kind) {
    return "{\"refersTo\":{\"kind\":\""
        + kind
        + "\",\"ref\":\""
        + ref
        + "\"},\"rating\":{\"score\":"
        + score
        + ",\"notes\":\"n\"},\"by\":\""
        + by
        + "\"}";
  }

  private static Arguments row(String tool, String args, String kind, String... says) {
    return Arguments.of(tool, args, kind, List.of(says));
  }

  @Order(1)
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("malformed")
  void malformedCall_isAToolErrorNamingTheProblem(
      String tool, String args, String kind, List<String> says) {
    @SuppressWarnings("unchecked")
    Map<String, Object> arguments = Json.CANONICAL.convertValue(Json.parse(args), Map.class);

    CallToolResult r =
        client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());

    String text = ((McpSchema.TextContent) r.content().get(0)).text();
    assertThat(r.isError()).as(text).isTrue();
    for (String s : says) {
      assertThat(text).contains(s);
    }
    assertThat(text).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("pending");
    JsonNode error = Json.CANONICAL.valueToTree(r.structuredContent()).path("error");
    assertThat(error.path("kind").asText()).isEqualTo(kind);
    if (kind.equals("invalid-arguments")) {
      assertThat(error.path("problems")).isNotEmpty();
      for (JsonNode p : error.path("problems")) {
        assertThat(p.path("field").asText()).isNotBlank();
        assertThat(p.path("expected").asText()).isNotBlank();
        assertThat(p.path("got").asText()).isNotBlank();
      }
    }
  }

  @Test
  void malformedTable_hasAtLeastTwentyRows() {
    assertThat(malformed().count()).isGreaterThanOrEqualTo(20);
  }

  @Order(2)
  @Test
  void server_afterTheWholeTable_stillServesValidCalls() {
    assertThat(client.listTools().tools()).hasSize(McpServerTest.TOOLS.size());
    CallToolResult r =
        client.callTool(
            McpSchema.CallToolRequest.builder("delegation_history")
                .arguments(Map.of("limit", 5))
                .build());
    assertThat(r.isError()).as(r.toString()).isNotEqualTo(Boolean.TRUE);
    assertThat(Json.CANONICAL.valueToTree(r.structuredContent()).has("delegations")).isTrue();
  }
}
