package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks run end to end and report what they measured. No figure is asserted against a
 * time: speed belongs to the benchmark's output, not to a test.
 */
class BenchCommandTest {
  @Test
  void benchHistory_smallRuns_reportsExactTurnsAndGrowingHistoryWithFlatBytesPerTurn() {
    Cli.Result r =
        Cli.run(
            Map.of(), "bench", "history", "--turns", "4,12", "--message-chars", "512", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    JsonNode rows = doc.path("rows");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).path("turns").asInt()).isEqualTo(4);
    assertThat(rows.get(1).path("turns").asInt()).isEqualTo(12);
    assertThat(rows.get(1).path("bytes").asLong())
        .isGreaterThan(rows.get(0).path("bytes").asLong());
    // By value, the conversation per turn grows with the run; by reference, history does not.
    assertThat(rows.get(1).path("conversationBytesPerTurn").asDouble())
        .isGreaterThan(rows.get(1).path("bytesPerTurn").asDouble());
    assertThat(doc.path("bytesPerTurnRatioLastToFirst").asDouble()).isPositive();
    // Each turn stores one segment of new messages: the store grows with turns, per turn flat.
    assertThat(rows.get(1).path("blobBytes").asLong())
        .isGreaterThan(rows.get(0).path("blobBytes").asLong());
    assertThat(doc.path("blobBytesPerTurnRatioLastToFirst").asDouble()).isBetween(0.5, 1.5);
  }

  @Test
  void benchOverhead_smallRun_reportsARatioAgainstTheBareBaseline() {
    Cli.Result r =
        Cli.run(Map.of(), "bench", "overhead", "--turns", "5", "--repeats", "2", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("repetitions")).hasSize(2);
    assertThat(doc.path("medianTurnMs").asDouble()).isPositive();
    assertThat(doc.path("medianBaselineStepMs").asDouble()).isPositive();
    assertThat(doc.path("ratio").asDouble())
        .isEqualTo(
            doc.path("medianTurnMs").asDouble() / doc.path("medianBaselineStepMs").asDouble());
    // The by-value peer ran the same number of turns (the bench refuses otherwise).
    assertThat(doc.path("medianByValueTurnMs").asDouble()).isPositive();
    assertThat(doc.path("ratioToByValue").asDouble())
        .isEqualTo(
            doc.path("medianTurnMs").asDouble() / doc.path("medianByValueTurnMs").asDouble());
    // Tally's turn records one Meter marker more than the peer's.
    JsonNode rep = doc.path("repetitions").get(1);
    assertThat(rep.path("eventsPerTurn").asDouble())
        .isGreaterThan(rep.path("byValueEventsPerTurn").asDouble());
    assertThat(rep.path("byValueEventsPerTurn").asDouble()).isPositive();
  }

  @Test
  void benchOverhead_unknownServer_usageErrorNamingTheChoices() {
    Cli.Result r = Cli.run(Map.of(), "bench", "overhead", "--server", "prod");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--server: expected embedded or dev, got 'prod'");
  }

  @Test
  void bench_unknownKind_usageErrorInOneLine() {
    Cli.Result r = Cli.run(Map.of(), "bench", "latency");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("expected history, overhead or long, got 'latency'");
  }

  @Test
  void benchLong_runThroughSeveralContinuesAsNew_reportsTheChainAndAnExactLedger() {
    Cli.Result r =
        Cli.run(
            Map.of(),
            "bench",
            "long",
            "--turns",
            "1200",
            "--continue-as-new-after-events",
            "500",
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    JsonNode result = doc.path("result");
    assertThat(result.path("turns").asInt()).isEqualTo(1200);
    assertThat(result.path("runs").asInt()).isGreaterThan(3);
    // Each run continues at its first safe point past 500 events: no history grows far beyond.
    assertThat(result.path("largestHistoryEvents").asInt()).isBetween(500, 600);
    assertThat(result.path("largestHistoryBytes").asLong()).isPositive();
    assertThat(result.path("ledgerUnbroken").asBoolean()).isTrue();
    assertThat(doc.path("rebuiltEqualsSpentTotal").asBoolean()).isTrue();
    assertThat(doc.path("spentTotalEqualsBilled").asBoolean()).isTrue();
    assertThat(result.at("/billed/calls").asInt()).isEqualTo(1200 + LongBenchWorkers.COUNT);
    assertThat(doc.path("endToStartRatio").asDouble()).isPositive();
    assertThat(result.path("startRouterMs").asDouble()).isPositive();
    assertThat(result.path("endRouterMs").asDouble()).isPositive();
    assertThat(doc.path("outsideRouterEndToStartRatio").asDouble()).isPositive();
  }

  @Test
  void benchLong_thresholdBelowTheMinimum_usageError() {
    Cli.Result r =
        Cli.run(Map.of(), "bench", "long", "--turns", "10", "--continue-as-new-after-events", "10");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--continue-as-new-after-events: expected an integer >= 500");
  }

  /** The chat workers the long bench's scripted driver spawns, each one billed call. */
  private static final class LongBenchWorkers {
    static final int COUNT = dev.tally.cli.bench.LongBench.WORKERS;
  }
}
