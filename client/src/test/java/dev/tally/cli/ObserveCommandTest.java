package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tally observe stats|log|digest|playbook} against real runs on the embedded stack. */
class ObserveCommandTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final int RUNS = 3;

  @BeforeAll
  static void threeRuns() throws InterruptedException {
    for (int i = 0; i < RUNS; i++) {
      Cli.Result r = Cli.run(STACK.env(), "run", "--task", "Observe me " + i, "--wait", "--json");
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      Cli.Result stats = Cli.run(STACK.env(), "observe", "stats", "--json");
      if (stats.exitCode() == 0
          && Json.parse(stats.out()).at("/aggregates/total/ops").asLong() >= RUNS) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the observer did not log " + RUNS + " runs within 30s");
  }

  @Test
  void stats_json_countsEveryClosedRunByOutcome() {
    Cli.Result r = Cli.run(STACK.env(), "observe", "stats", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.at("/aggregates/byOutcome/winner/ops").asLong()).isGreaterThanOrEqualTo(RUNS);
    assertThat(doc.at("/aggregates/total/spent/usdSource").asText()).isEqualTo("BILLED");
  }

  @Test
  void stats_text_saysCostWithItsSource() {
    Cli.Result r = Cli.run(STACK.env(), "observe", "stats");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("ops: ").contains("by outcome:").contains("(billed)");
  }

  @Test
  void log_isJsonlOfOps_withTaskHashesAndNoTaskText() {
    Cli.Result r = Cli.run(STACK.env(), "observe", "log", "--since", "1h");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<JsonNode> ops = r.out().lines().map(Json::parse).toList();
    assertThat(ops).hasSizeGreaterThanOrEqualTo(RUNS);
    assertThat(ops)
        .allSatisfy(op -> assertThat(op.path("taskHash").asText()).startsWith("sha256:"));
    assertThat(r.out()).doesNotContain("Observe me");
  }

  @Test
  void digest_writesOne_thenListIsNewestFirst() {
    Cli.Result first = Cli.run(STACK.env(), "observe", "digest", "--json");
    Cli.Result second = Cli.run(STACK.env(), "observe", "digest", "--no-diagnosis");
    Cli.Result list = Cli.run(STACK.env(), "observe", "digest", "--list", "--json");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(second.out()).contains("digest #").contains("diagnosis: off");
    long seq = Json.parse(first.out()).path("seq").asLong();
    List<Long> listed =
        Json.parse(list.out()).findValues("seq").stream().map(JsonNode::asLong).toList();
    assertThat(listed).startsWith(seq + 1, seq);
  }

  @Test
  void playbook_afterEnoughWinners_hasAnEntryAUsePlaybookRunCanTake() {
    Cli.Result r = Cli.run(STACK.env(), "observe", "playbook", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode entry = Json.parse(r.out()).path("entries").get(0);
    assertThat(entry.path("taskClass").asText()).isEqualTo("run");
    assertThat(entry.path("successes").asLong()).isGreaterThanOrEqualTo(RUNS);

    Cli.Result run =
        Cli.run(
            STACK.env(), "run", "--task", "with a playbook", "--use-playbook", "--wait", "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  @Test
  void unknownView_isAUsageError() {
    Cli.Result r = Cli.run(STACK.env(), "observe", "everything");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("stats, log, digest, playbook");
  }
}
