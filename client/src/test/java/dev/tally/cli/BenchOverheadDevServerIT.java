package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.devserver.TemporalCli;
import dev.tally.json.Json;
import dev.tally.realserver.RequiredTool;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bench overhead --server dev}: Tally, the by-value peer and the floor on Temporal's own dev
 * server with its database on disk. No figure is asserted against a time.
 */
class BenchOverheadDevServerIT {
  private static Path cli;

  @BeforeAll
  static void findCli() {
    cli = TemporalCli.find(System.getenv()).orElse(null);
    RequiredTool.need(cli != null, "the temporal CLI", TemporalCli.HOW_TO_INSTALL);
  }

  @Test
  void benchOverhead_onTheDevServer_runsAllThreeLoopsAndCountsTheirEvents() {
    Cli.Result r =
        Cli.run(
            Map.of(TemporalCli.ENV, cli.toString()),
            "bench",
            "overhead",
            "--server",
            "dev",
            "--turns",
            "5",
            "--repeats",
            "2",
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("repetitions")).hasSize(2);
    JsonNode rep = doc.path("repetitions").get(1);
    assertThat(rep.path("turnMs").asDouble()).isPositive();
    assertThat(rep.path("byValueMs").asDouble()).isPositive();
    // Tally's turn records one Meter marker more than the peer's.
    assertThat(rep.path("eventsPerTurn").asDouble())
        .isGreaterThan(rep.path("byValueEventsPerTurn").asDouble());
  }
}
