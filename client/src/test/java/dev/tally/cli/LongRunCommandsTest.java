package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.embedded.DevStack;
import dev.tally.json.Json;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI over a real supervised run that continued-as-new: a scripted driver of 150 awaits with
 * two workers, {@code continueAsNewAfterEvents} at its minimum, so the run is a chain of several
 * runs. {@code tally ledger} and {@code tally export} read the whole chain and agree with the run.
 */
class LongRunCommandsTest {
  private static DevStack stack;
  private static Map<String, String> env;
  private static String id;

  @BeforeAll
  static void longRun() throws Exception {
    Path data = Files.createTempDirectory("tally-long-run");
    stack =
        DevStack.startScripted(
            0,
            Map.of(WorkerConfig.TALLY_DATA_DIR, data.toString()),
            new ScriptedRouter.Options(2, 150, 0));
    env =
        Map.of(
            WorkerConfig.TEMPORAL_ADDRESS,
            stack.server().address(),
            WorkerConfig.TALLY_DATA_DIR,
            data.toString());
    Cli.Result r =
        Cli.run(
            env,
            "run",
            "--task",
            "A long run",
            "--max-turns",
            "200",
            "--max-tokens",
            "10000000",
            "--continue-as-new-after-events",
            "500",
            "--wait",
            "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    id = Json.parse(r.out()).path("workflowId").asText();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void ledger_continuedRun_wholeChainEqualsQueryAndSpentTotal() {
    Cli.Result r = Cli.run(env, "ledger", id, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("runs").asInt()).isGreaterThan(1);
    assertThat(doc.at("/check/ok").asBoolean()).isTrue();
    assertThat(doc.at("/check/ledgerQuery").asText()).isEqualTo("compared");
    assertThat(doc.at("/check/spentTotal").asText()).isEqualTo("compared");
    assertThat(doc.at("/check/costKnown").asBoolean()).isTrue();
    List<String> kinds = doc.path("entries").findValuesAsText("kind");
    assertThat(kinds).contains("carried");
    assertThat(kinds.stream().filter("metered"::equals).count()).isEqualTo(152);
    assertThat(stack.scriptedRouter().totals().tokens())
        .isEqualTo(
            doc.at("/totals/spentTotal/inputTokens").asLong()
                + doc.at("/totals/spentTotal/outputTokens").asLong());
  }

  @Test
  void export_continuedRun_everyTurnOnceAndTheChainTotal() {
    Cli.Result r = Cli.run(env, "export", id, "--jsonl");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<JsonNode> records = r.out().lines().map(Json::parse).toList();
    assertThat(records.get(0).path("record").asText()).isEqualTo("run-started");
    assertThat(records).filteredOn(n -> n.path("record").asText().equals("turn")).hasSize(152);
    assertThat(records).filteredOn(n -> n.path("record").asText().equals("continued")).isNotEmpty();
    JsonNode end = records.get(records.size() - 1);
    assertThat(end.path("kind").asText()).isEqualTo("WINNER");
    assertThat(end.path("ledgerTotal")).isEqualTo(end.path("spentTotal"));
  }
}
