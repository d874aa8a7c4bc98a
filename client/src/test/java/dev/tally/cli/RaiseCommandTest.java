package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.supervise.RunStatus;
import dev.tally.supervise.SupervisedRunWorkflow;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tally raise} against real runs on the embedded server with the scripted router: a run that
 * pauses at its budget, refusals named by the run's validator, a raise that resumes it to a winner,
 * every flag at once, and its usage errors.
 */
class RaiseCommandTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static String closedRun;

  @BeforeAll
  static void oneClosedRun() {
    Cli.Result r = Cli.run(STACK.env(), "run", "--task", "Raise me", "--wait", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    closedRun = Json.parse(r.out()).path("workflowId").asText();
  }

  @Test
  void raise_noCeilingGiven_usageErrorNamingTheFlags() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("expected at least one of --max-usd, --max-tokens, --max-iterations")
        .contains("got none");
  }

  @Test
  void raise_notANumber_usageErrorNamingTheFlag() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any", "--max-usd", "lots");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--max-usd").contains("lots");
  }

  @Test
  void raise_negative_usageErrorWithExpectedAndGot() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any", "--max-tokens", "-5");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--max-tokens: expected a number >= 0, got -5");
  }

  @Test
  void raise_unknownRun_exit3() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-nosuchrun", "--max-tokens", "5000");

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(r.err()).contains("no run 'run-nosuchrun'");
  }

  @Test
  void raise_closedRun_exit1SayingItEnded() {
    Cli.Result r =
        Cli.run(STACK.env(), "raise", closedRun, "--max-tokens", "999999", "--max-usd", "9");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("run '" + closedRun + "' already ended (COMPLETED)");
  }

  @Test
  void raise_pausedRun_refusalsNameTheFieldThenARaiseResumesItToAWinner() throws Exception {
    String id = pausedRun("Pause for iterations", "--max-iterations", "1");

    Cli.Result lower = Cli.run(STACK.env(), "raise", id, "--max-iterations", "1");
    assertThat(lower.exitCode()).as(lower.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(lower.errLines()).hasSize(1);
    assertThat(lower.err())
        .contains("raise refused by run '" + id + "'")
        .contains("maxIterations: expected more than the current ceiling 1 (spent 1), got 1");
    Cli.Result dollars = Cli.run(STACK.env(), "raise", id, "--max-usd", "1");
    assertThat(dollars.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(dollars.err()).contains("maxUsd: expected absent");
    assertThat(phase(id)).isEqualTo(RunStatus.PAUSED);

    Cli.Result raised = Cli.run(STACK.env(), "raise", id, "--max-iterations", "8", "--json");

    assertThat(raised.exitCode()).as(raised.toString()).isZero();
    JsonNode doc = Json.parse(raised.out());
    assertThat(doc.at("/pool/iterationsLeft").asLong()).isEqualTo(7);
    assertThat(doc.at("/raise/maxIterations").asLong()).isEqualTo(8);
    Cli.Result ledger = endedLedger(id);
    JsonNode l = Json.parse(ledger.out());
    assertThat(l.path("entries").toString()).contains("\"kind\":\"raised\"");
  }

  @Test
  void raise_everyFlag_textReadoutAndTheLedgerRecordsTheNewCeilings() throws Exception {
    String id =
        pausedRun(
            "Pause with every ceiling",
            "--max-iterations",
            "1",
            "--max-usd",
            "0.50",
            "--per-worker-usd",
            "0.05",
            "--deadline",
            "600s");

    Cli.Result raised =
        Cli.run(
            STACK.env(),
            "raise",
            id,
            "--max-usd",
            "0.75",
            "--max-tokens",
            "90000",
            "--max-iterations",
            "4",
            "--deadline-ms",
            "900000");

    assertThat(raised.exitCode()).as(raised.toString()).isZero();
    assertThat(raised.out())
        .contains("raised " + id + " to 90,000 tokens, 4 iterations, $0.75, deadline 900 s")
        .contains("iterations left: 3")
        .contains("deadline:");
    JsonNode l = Json.parse(endedLedger(id).out());
    JsonNode raisedEntry = null;
    for (JsonNode e : l.path("entries")) {
      if (e.path("kind").asText().equals("raised")) {
        raisedEntry = e;
      }
    }
    assertThat(raisedEntry).as(l.toString()).isNotNull();
    assertThat(raisedEntry.at("/budget/maxTokens").asLong()).isEqualTo(90_000);
    assertThat(raisedEntry.at("/budget/maxIterations").asLong()).isEqualTo(4);
    assertThat(raisedEntry.at("/budget/maxUsd").decimalValue()).isEqualByComparingTo("0.75");
    assertThat(raisedEntry.at("/budget/deadlineMs").asLong()).isEqualTo(900_000);
  }

  /** Starts a pausing run with {@code flags} and waits until it is paused. */
  private static String pausedRun(String task, String... flags) throws InterruptedException {
    String[] args = new String[flags.length + 6];
    args[0] = "run";
    args[1] = "--task";
    args[2] = task;
    args[3] = "--on-budget-exhausted";
    args[4] = "pause";
    args[5] = "--json";
    System.arraycopy(flags, 0, args, 6, flags.length);
    Cli.Result started = Cli.run(STACK.env(), args);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    String id = Json.parse(started.out()).path("workflowId").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!RunStatus.PAUSED.equals(phase(id)) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(phase(id)).as("phase of " + id).isEqualTo(RunStatus.PAUSED);
    return id;
  }

  private static String phase(String id) {
    return STACK
        .stack()
        .connection()
        .client()
        .newWorkflowStub(SupervisedRunWorkflow.class, id)
        .status()
        .phase();
  }

  /** Waits for the run to end with a winner, then reads its ledger with {@code tally ledger}. */
  private static Cli.Result endedLedger(String id) {
    Cli.Result watched = Cli.run(STACK.env(), "watch", id);
    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    Cli.Result ledger = Cli.run(STACK.env(), "ledger", id, "--json");
    assertThat(ledger.exitCode()).as(ledger.toString()).isZero();
    assertThat(Json.parse(ledger.out()).at("/check/ok").asBoolean()).isTrue();
    return ledger;
  }
}
