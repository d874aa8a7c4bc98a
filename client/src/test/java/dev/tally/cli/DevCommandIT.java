package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.devserver.TemporalCli;
import dev.tally.json.Json;
import dev.tally.realserver.RequiredTool;
import dev.tally.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally dev} on Temporal's own dev server: a run finished before a restart of {@code tally
 * dev} is still there after it, in {@code tally history}, its ledger and the Web UI.
 */
class DevCommandIT {
  private static final Duration READY = Duration.ofSeconds(120);
  private static Path cli;

  @TempDir Path dir;

  @BeforeAll
  static void findCli() {
    cli = TemporalCli.find(System.getenv()).orElse(null);
    RequiredTool.need(cli != null, "the temporal CLI", TemporalCli.HOW_TO_INSTALL);
  }

  private Map<String, String> env() {
    return Map.of(TemporalCli.ENV, cli.toString(), WorkerConfig.TALLY_DATA_DIR, dir.toString());
  }

  @Test
  void dev_restarted_keepsTheFinishedRunInHistoryLedgerAndUi() throws Exception {
    Cli.Running dev = Cli.start(env(), "dev", "--port", "0", "--json");
    JsonNode ready = Json.parse(dev.awaitOutput("}", READY));
    assertThat(ready.get("persistent").asBoolean()).isTrue();
    assertThat(ready.get("uiUrl").asText()).startsWith("http://127.0.0.1:");
    assertThat(ready.get("retentionDays").asInt()).isEqualTo(30);
    assertThat(Path.of(ready.get("database").asText()))
        .isEqualTo(dir.resolve("temporal").resolve("tally-dev.db"));
    Cli.Result run =
        Cli.run(
            env(),
            "--address",
            ready.get("address").asText(),
            "run",
            "--task",
            "kept",
            "--wait",
            "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String id = Json.parse(run.out()).path("workflowId").asText();
    assertThat(dev.stop(Duration.ofSeconds(60)).exitCode()).isZero();
    assertThat(Files.size(dir.resolve("temporal").resolve("tally-dev.db"))).isPositive();

    Cli.Running again = Cli.start(env(), "dev", "--port", "0", "--json");
    JsonNode back = Json.parse(again.awaitOutput("}", READY));
    String address = back.get("address").asText();
    try {
      Cli.Result history = Cli.run(env(), "--address", address, "history", "--json");
      assertThat(history.exitCode()).as(history.toString()).isZero();
      assertThat(history.out()).contains(id);
      Cli.Result ledger = Cli.run(env(), "--address", address, "ledger", id);
      assertThat(ledger.exitCode()).as(ledger.toString()).isZero();
      assertThat(ledger.out()).contains("equal to the ledger query and the run's spentTotal");

      // The UI's own server serves the run from the same database.
      String api = back.get("uiUrl").asText() + "/api/v1/namespaces/default/workflows/" + id;
      HttpResponse<String> ui =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ui.statusCode()).as(ui.body()).isEqualTo(200);
      assertThat(ui.body()).contains(id).contains("WORKFLOW_EXECUTION_STATUS_COMPLETED");
    } finally {
      assertThat(again.stop(Duration.ofSeconds(60)).exitCode()).isZero();
    }
  }
}
