package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.embedded.DevStack;
import dev.tally.json.Json;
import dev.tally.realserver.ScratchRepo;
import dev.tally.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally delegate} through the real path: an embedded server, a worker with the local process
 * sandbox, and a harness that really edits a git working copy.
 */
class DelegateCommandTest {
  @TempDir static Path dir;
  private static DevStack stack;
  private static Path repo;

  @BeforeAll
  static void start() throws Exception {
    repo = ScratchRepo.create(dir);
    // The harness: appends a line to notes.txt in its working copy and says what it did.
    Path harness = ScratchRepo.harness(dir, "harness.sh", ScratchRepo.ADD_A_LINE);
    stack =
        DevStack.start(
            0,
            Map.of(
                WorkerConfig.TALLY_DATA_DIR,
                dir.resolve("data").toString(),
                "TALLY_LOCAL_HARNESS",
                harness.toString(),
                "TALLY_TICK_INTERVAL_MS",
                "200"),
            true);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static Map<String, String> env() {
    return Map.of(
        WorkerConfig.TEMPORAL_ADDRESS,
        stack.server().address(),
        WorkerConfig.TALLY_DATA_DIR,
        dir.resolve("cli-data").toString());
  }

  @Test
  void delegateCode_waitAndApply_validatedPatchLandsInTheRepoAndResubmitIsReused()
      throws Exception {
    String[] args = {
      "delegate",
      "code",
      "--goal",
      "add a line",
      "--repo",
      repo.toString(),
      "--test-cmd",
      "true",
      "--max-diff-lines",
      "10",
      "--wait",
      "--apply",
      "--json"
    };

    Cli.Result first = Cli.run(env(), args);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    JsonNode doc = Json.parse(first.out());
    assertThat(doc.path("taskId").asText()).startsWith("dlg-coder-");
    assertThat(doc.path("reused").asBoolean()).isFalse();
    assertThat(doc.path("state").path("status").asText()).isEqualTo("completed");
    assertThat(doc.path("state").path("result").path("patch").asText()).contains("+two");
    assertThat(Files.readString(repo.resolve("notes.txt"))).isEqualTo("one\ntwo\n");

    Cli.Result again =
        Cli.run(
            env(),
            "delegate",
            "code",
            "--goal",
            "add a line",
            "--repo",
            repo.toString(),
            "--test-cmd",
            "true",
            "--max-diff-lines",
            "10",
            "--json");
    Cli.Result status = Cli.run(env(), "status", doc.path("taskId").asText());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("coder delegation · completed");

    JsonNode reused = Json.parse(again.out());
    assertThat(reused.path("taskId").asText()).isEqualTo(doc.path("taskId").asText());
    assertThat(reused.path("reused").asBoolean()).isTrue();
    assertThat(reused.path("state").path("status").asText()).isEqualTo("completed");
  }

  @Test
  void history_delegationsOnly_listsTheTaskWithItsProfileAndRefusesTooLargeALimit() {
    Cli.Result submitted =
        Cli.run(env(), "delegate", "code", "--goal", "listed", "--repo", repo.toString(), "--json");
    String taskId = Json.parse(submitted.out()).path("taskId").asText();

    Cli.Result coders = Cli.run(env(), "history", "--kind", "delegation", "--profile", "coder");
    Cli.Result researchers =
        Cli.run(env(), "history", "--kind", "delegation", "--profile", "researcher");
    Cli.Result tooMany = Cli.run(env(), "history", "--limit", "501");

    assertThat(coders.exitCode()).as(coders.toString()).isZero();
    assertThat(coders.out()).contains(taskId).contains("delegation coder");
    assertThat(researchers.out()).doesNotContain(taskId);
    assertThat(tooMany.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(tooMany.err()).contains("--limit: expected 1..500, got 501");
  }

  @Test
  void feedbackAfterClose_showsInStatusHistoryAndStats_andDelegationsAreCountedApart() {
    Cli.Result done =
        Cli.run(
            env(),
            "delegate",
            "code",
            "--goal",
            "rate me later",
            "--repo",
            repo.toString(),
            "--test-cmd",
            "true",
            "--wait",
            "--json");
    assertThat(done.exitCode()).as(done.toString()).isZero();
    String taskId = Json.parse(done.out()).path("taskId").asText();
    JsonNode before = Json.parse(Cli.run(env(), "status", taskId, "--json").out());
    assertThat(before.path("delegation").path("feedback")).isEmpty();

    Cli.Result rated =
        Cli.run(env(), "feedback", taskId, "--score", "0.8", "--notes", "useful", "--by", "qa");
    assertThat(rated.exitCode()).as(rated.toString()).isZero();

    JsonNode after = Json.parse(Cli.run(env(), "status", taskId, "--json").out());
    JsonNode feedback = after.path("delegation").path("feedback");
    assertThat(feedback).hasSize(1);
    assertThat(feedback.get(0).path("rating").path("score").asDouble()).isEqualTo(0.8);
    assertThat(feedback.get(0).path("by").asText()).isEqualTo("qa");
    assertThat(Cli.run(env(), "status", taskId).out()).contains("feedback: 1").contains("useful");

    JsonNode history =
        Json.parse(Cli.run(env(), "history", "--kind", "delegation", "--json").out());
    JsonNode row = null;
    for (JsonNode r : history.path("runs")) {
      if (r.path("workflowId").asText().equals(taskId)) {
        row = r;
      }
    }
    assertThat(row).as("history row of %s", taskId).isNotNull();
    assertThat(row.path("delegation").path("status").asText()).isEqualTo("completed");
    assertThat(row.path("delegation").path("feedback").asInt()).isEqualTo(1);
    // This harness reports no usage: its cost is a floor marked unknown, never a $0 figure.
    assertThat(row.path("delegation").has("costUsd")).isFalse();
    assertThat(row.path("delegation").path("spent").path("usdSource").asText())
        .isEqualTo("UNKNOWN");
    // The text table: Temporal's status, the delegation's own outcome, its cost (unknown).
    assertThat(Cli.run(env(), "history", "--kind", "delegation").out())
        .containsPattern(taskId + " +delegation coder +COMPLETED +completed ")
        .contains("(unknown)");

    JsonNode stats = Json.parse(Cli.run(env(), "stats", "--json").out());
    assertThat(stats.path("delegations").path("delegations").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(stats.path("delegations").path("byProfile").path("coder").asInt())
        .isGreaterThanOrEqualTo(1);
    assertThat(stats.path("delegations").path("feedback").asInt()).isGreaterThanOrEqualTo(1);
    // No supervised run ran in this stack: delegations are not counted as runs.
    assertThat(stats.path("runs").asInt()).isZero();
  }

  @Test
  void delegateResearch_withoutNamespace_usageErrorInOneLine() {
    Cli.Result r = Cli.run(env(), "delegate", "research", "--question", "why?");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("--ns is required");
  }
}
