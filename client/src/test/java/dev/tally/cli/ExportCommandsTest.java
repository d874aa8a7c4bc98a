package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code gate}, {@code export}, {@code stats} and {@code export-evals} against a real run. */
class ExportCommandsTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static String runId;

  @BeforeAll
  static void oneRun() {
    Cli.Result r = Cli.run(STACK.env(), "run", "--task", "Export me", "--wait", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    runId = Json.parse(r.out()).path("workflowId").asText();
    assertThat(runId).isNotBlank();
  }

  @Test
  void export_closedRun_writesLifecycleFromHistoryWithHashedTask() {
    Cli.Result r = Cli.run(STACK.env(), "export", runId, "--jsonl");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<JsonNode> records = r.out().lines().map(Json::parse).toList();
    assertThat(records.get(0).path("record").asText()).isEqualTo("run-started");
    assertThat(records.get(records.size() - 1).path("record").asText()).isEqualTo("run-ended");
    assertThat(records).anyMatch(n -> n.path("record").asText().equals("settlement"));
    assertThat(r.out()).doesNotContain("Export me");
  }

  @Test
  void gate_closedRun_recordedInItsFeedbackLog() {
    Cli.Result r = Cli.run(STACK.env(), "gate", runId, "--decision", "ship", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Json.parse(r.out()).path("log").asText()).isEqualTo("fb-" + runId);
    Cli.Result status = Cli.run(STACK.env(), "status", runId, "--json");
    assertThat(status.out()).contains("ship");
  }

  @Test
  void gate_unknownDecision_usageErrorNamingTheChoices() {
    Cli.Result r = Cli.run(STACK.env(), "gate", runId, "--decision", "yolo");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("expected one of [ship, hold").contains("got 'yolo'");
  }

  @Test
  void stats_afterARun_countsItByOutcome() {
    Cli.Result r = Cli.run(STACK.env(), "stats", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("WINNER");
  }

  @Test
  void exportEvals_withoutKey_usageErrorNamingTheVariable() {
    Map<String, String> env = new HashMap<>(STACK.env());
    env.remove("TANGLE_API_KEY");

    Cli.Result r = Cli.run(env, "export-evals", "--flush");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("TANGLE_API_KEY is not set");
  }
}
