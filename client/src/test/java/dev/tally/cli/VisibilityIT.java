package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.embedded.DevStack;
import dev.tally.json.Json;
import dev.tally.realserver.RealTemporalExtension;
import dev.tally.realserver.ScratchRepo;
import dev.tally.realserver.ShellCommands;
import dev.tally.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visibility on a real server: {@code tally history} filters through {@code ListWorkflowExecutions}
 * by Tally's search attributes, for supervised runs and delegations alike, including a run the
 * {@code temporal} CLI started without any attributes.
 */
class VisibilityIT {
  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir static Path dir;
  private static DevStack worker;
  private static Path repo;

  @BeforeAll
  static void start() throws Exception {
    repo = ScratchRepo.create(dir);
    Path harness = ScratchRepo.harness(dir, "harness.sh", ScratchRepo.ADD_A_LINE);
    worker =
        DevStack.beside(
            REAL.server(),
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
    if (worker != null) {
      worker.close();
    }
  }

  private static Map<String, String> env() {
    return Map.of(
        WorkerConfig.TEMPORAL_ADDRESS,
        REAL.address(),
        WorkerConfig.TALLY_DATA_DIR,
        dir.resolve("cli-data").toString());
  }

  @Test
  void history_filtersBySearchAttributes_runsAndDelegationsAlike() throws Exception {
    String viaTally =
        startedRun(Cli.run(env(), "run", "--task", "visible one", "--wait", "--json"));
    String viaTemporal = "run-started-by-temporal-cli";
    ShellCommands.Outcome started =
        ShellCommands.run(
            "temporal workflow start --type SupervisedRun --task-queue tally --workflow-id "
                + viaTemporal
                + " --input '{\"task\": \"visible two\", \"budget\": {\"maxIterations\": 8,"
                + " \"maxTokens\": 60000}, \"perWorker\": {\"maxIterations\": 1, \"maxTokens\":"
                + " 8000}}' && temporal workflow result --workflow-id "
                + viaTemporal,
            dir,
            Map.of("TEMPORAL_ADDRESS", REAL.address()));
    assertThat(started.exitCode()).as(started.output()).isZero();
    String passed = delegation("--test-cmd", "true", "--ns", "team-v");
    String refused = delegation("--test-cmd", "false", "--ns", "team-v");
    Cli.Result research =
        Cli.run(
            env(),
            "delegate",
            "research",
            "--question",
            "why?",
            "--ns",
            "team-r",
            "--wait",
            "--json");
    String researched = Json.parse(research.out()).path("taskId").asText();

    awaitRows(List.of("--status", "winner"), ids -> ids.contains(viaTemporal));
    awaitRows(List.of("--status", "failed"), ids -> ids.contains(refused));
    awaitRows(List.of("--ns", "team-r"), ids -> ids.contains(researched));
    assertThat(ids("--status", "winner"))
        .contains(viaTally, viaTemporal)
        .doesNotContain(passed, refused, researched);
    // A delegation whose patch failed validation completed as a workflow, and failed as a task.
    assertThat(ids("--status", "failed")).contains(refused).doesNotContain(passed, viaTally);
    assertThat(ids("--status", "completed")).contains(passed, viaTally, viaTemporal);
    assertThat(ids("--kind", "delegation", "--profile", "coder"))
        .contains(passed, refused)
        .doesNotContain(researched, viaTally);
    assertThat(ids("--profile", "run")).contains(viaTally, viaTemporal).doesNotContain(passed);
    assertThat(ids("--ns", "team-r")).containsExactly(researched);
    // Scripted runs are billed; a harness that reports no usage has no known cost to match.
    assertThat(ids("--min-usd", "0.0001")).contains(viaTally, viaTemporal).doesNotContain(passed);

    JsonNode rows = history("--status", "winner");
    JsonNode temporalRow = row(rows, viaTemporal);
    assertThat(temporalRow.at("/searchAttributes/TallyStatus").asText()).isEqualTo("winner");
    assertThat(temporalRow.at("/searchAttributes/TallyProfile").asText()).isEqualTo("run");
    assertThat(temporalRow.at("/searchAttributes/TallySpentTokens").asLong()).isPositive();
    JsonNode refusedRow = row(history("--status", "failed"), refused);
    assertThat(refusedRow.at("/searchAttributes/TallyNamespace").asText()).isEqualTo("team-v");

    ShellCommands.Outcome count =
        ShellCommands.run(
            "temporal workflow count --query 'TallyStatus = \"winner\"'",
            dir,
            Map.of("TEMPORAL_ADDRESS", REAL.address()));
    assertThat(count.output()).as(count.output()).contains("Total: 2");
  }

  private static String startedRun(Cli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return Json.parse(r.out()).path("workflowId").asText();
  }

  private static String delegation(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "delegate",
                "code",
                "--goal",
                "add a line",
                "--repo",
                repo.toString(),
                "--wait",
                "--json"));
    args.addAll(List.of(extra));
    Cli.Result r = Cli.run(env(), args.toArray(String[]::new));
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("taskId").asText()).as(r.toString()).startsWith("dlg-coder-");
    return doc.path("taskId").asText();
  }

  private static JsonNode history(String... filters) {
    List<String> args = new ArrayList<>(List.of("history", "--json"));
    args.addAll(List.of(filters));
    Cli.Result r = Cli.run(env(), args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return Json.parse(r.out()).path("runs");
  }

  private static List<String> ids(String... filters) {
    List<String> ids = new ArrayList<>();
    history(filters).forEach(row -> ids.add(row.path("workflowId").asText()));
    return ids;
  }

  private static JsonNode row(JsonNode rows, String id) {
    for (JsonNode row : rows) {
      if (row.path("workflowId").asText().equals(id)) {
        return row;
      }
    }
    throw new AssertionError("no row " + id + " in " + rows);
  }

  /** Visibility trails the history by a moment on a real server. */
  private static void awaitRows(List<String> filters, Predicate<List<String>> ready)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!ready.test(ids(filters.toArray(String[]::new)))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("history " + filters + " never matched: " + history());
      }
      Thread.sleep(200);
    }
  }
}
