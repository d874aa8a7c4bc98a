package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.supervise.RunSearchAttributes;
import dev.tally.worker.TallyWorker;
import dev.tally.worker.WorkerConfig;
import io.temporal.common.SearchAttributes;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI's commands run in-process against a real embedded Temporal server, an in-process worker
 * and the scripted router over HTTP: output, JSON and exit codes.
 */
class TallyCliTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final String TASK = "Name three ways to cut LLM agent costs";

  private static Cli.Result tally(String... args) {
    return Cli.run(STACK.env(), args);
  }

  private static JsonNode json(Cli.Result r) {
    return Json.parse(r.out());
  }

  /** Starts a run with --wait --json and returns its workflow id; asserts it won. */
  private static String finishedRun() {
    Cli.Result r = tally("run", "--task", TASK, "--wait", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return json(r).get("workflowId").asText();
  }

  @Test
  void runWaitJson_scriptedRouter_endsWithWinnerAndExit0() {
    Cli.Result r = tally("run", "--task", TASK, "--wait", "--json", "--max-usd", "0.50");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.OK);
    JsonNode doc = json(r);
    assertThat(doc.get("workflowId").asText())
        .matches("run-name-three-ways-to-cut-llm-agent-costs-[a-z0-9]{5}");
    JsonNode result = doc.get("result");
    assertThat(result.get("kind").asText()).isEqualTo("WINNER");
    assertThat(result.get("winnerId").asText()).startsWith(doc.get("workflowId").asText() + ":s");
    assertThat(result.at("/spentTotal/inputTokens").asLong()).isPositive();
    assertThat(result.at("/spentTotal/usdSource").asText()).isEqualTo("BILLED");
    assertThat(r.err()).isEmpty();
    // Started searchable on the embedded server, which registered Tally's attributes.
    SearchAttributes attributes =
        STACK
            .stack()
            .connection()
            .client()
            .newUntypedWorkflowStub(doc.get("workflowId").asText())
            .describe()
            .getTypedSearchAttributes();
    assertThat(attributes.get(RunSearchAttributes.STATUS)).isEqualTo("winner");
  }

  @Test
  void runLongRunFlags_reachTheRunRequest() {
    Cli.Result r =
        tally(
            "run",
            "--task",
            TASK,
            "--on-budget-exhausted",
            "pause",
            "--pause-timeout",
            "90s",
            "--continue-as-new-after-events",
            "600",
            "--wait",
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.OK);
    String id = json(r).get("workflowId").asText();
    String input =
        STACK
            .stack()
            .connection()
            .client()
            .fetchHistory(id)
            .getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput()
            .getPayloads(0)
            .getData()
            .toStringUtf8();
    JsonNode request = Json.parse(input);
    assertThat(request.path("onBudgetExhausted").asText()).isEqualTo("pause");
    assertThat(request.path("pauseTimeoutMs").asLong()).isEqualTo(90_000);
    assertThat(request.path("continueAsNewAfterEvents").asInt()).isEqualTo(600);
  }

  @Test
  void runBadLongRunFlags_usageErrorNamingTheField() {
    Cli.Result bad = tally("run", "--task", TASK, "--on-budget-exhausted", "stop");
    Cli.Result small = tally("run", "--task", TASK, "--continue-as-new-after-events", "10");

    assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err())
        .contains("onBudgetExhausted: expected \"end\" or \"pause\", got \"stop\"");
    assertThat(small.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(small.err()).contains("continueAsNewAfterEvents: expected an integer >= 500");
  }

  @Test
  void runWaitHuman_printsProgressAndOutcome() {
    Cli.Result r = tally("run", "--task", TASK, "--wait");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("started run-name-three-ways").contains("Outcome: WINNER");
    assertThat(r.out()).containsPattern("turn \\d+/16 · workers");
    assertThat(r.out()).contains("(billed)");
  }

  @Test
  void runNoWait_printsIdAndHowToFollow() {
    Cli.Result r = tally("run", "--task", "Say hi", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    String id = json(r).get("workflowId").asText();
    assertThat(id).startsWith("run-say-hi-");
    Cli.Result watched = tally("watch", id);
    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    assertThat(watched.out()).contains("Outcome: WINNER");
  }

  @Test
  void run_withExplicitId_usesIt_andSecondStartWithSameIdWhileRunningIsRefused() {
    Cli.Result first =
        tally("run", "--task", "x", "--id", "fixed-id-run", "--task-queue", "parked-dup");
    assertThat(first.exitCode()).as(first.toString()).isZero();

    Cli.Result second =
        tally("run", "--task", "x", "--id", "fixed-id-run", "--task-queue", "parked-dup");

    assertThat(second.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(second.errLines()).hasSize(1);
    assertThat(second.err()).contains("fixed-id-run").contains("already running");
    tally("cancel", "fixed-id-run");
  }

  @Test
  void status_finishedRun_showsTemporalStatusQueryAndResult() {
    String id = finishedRun();

    Cli.Result human = tally("status", id);
    Cli.Result js = tally("status", id, "--json");

    assertThat(human.exitCode()).as(human.toString()).isZero();
    assertThat(human.out()).contains(id + "  COMPLETED").contains("Outcome: WINNER");
    assertThat(human.out()).contains(":s1").contains("chat");
    assertThat(js.exitCode()).isZero();
    JsonNode doc = json(js);
    assertThat(doc.get("temporalStatus").asText()).isEqualTo("COMPLETED");
    assertThat(doc.at("/status/phase").asText()).isEqualTo("done");
    assertThat(doc.at("/status/workers").size()).isEqualTo(3);
    assertThat(doc.at("/result/kind").asText()).isEqualTo("WINNER");
  }

  @Test
  void ledger_finishedRun_rebuiltFromHistoryEqualsQueryAndSpentTotal() {
    String id = finishedRun();

    Cli.Result human = tally("ledger", id);
    Cli.Result js = tally("ledger", id, "--json");

    assertThat(human.exitCode()).as(human.toString()).isZero();
    assertThat(human.out())
        .contains("equal to the ledger query and the run's spentTotal")
        .contains("metered")
        .contains("spawned")
        .contains("settled");
    JsonNode doc = json(js);
    assertThat(doc.at("/check/ok").asBoolean()).isTrue();
    assertThat(doc.at("/check/ledgerQuery").asText()).isEqualTo("compared");
    // The CLI's entries are the ones anyone can rebuild from the exported history.
    List<LedgerEntry> fromHistory = LedgerRebuilder.fromHistoryJson(historyJson(id));
    assertThat(doc.get("entries").size()).isEqualTo(fromHistory.size());
    Spend total = LedgerTotals.of(fromHistory).spentTotal();
    assertThat(doc.at("/totals/spentTotal/inputTokens").asLong()).isEqualTo(total.inputTokens());
    assertThat(doc.at("/totals/spentTotal/outputTokens").asLong()).isEqualTo(total.outputTokens());
  }

  private static String historyJson(String id) {
    return STACK.stack().connection().client().fetchHistory(id).toJson(true);
  }

  @Test
  void watch_finishedRun_printsOutcomeAndExit0() {
    String id = finishedRun();

    Cli.Result r = tally("watch", id);

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("run closed").contains("Outcome: WINNER");
  }

  @Test
  void liveRun_statusFeedbackAndCancel_thenWorkerSettlesItAsCancelled() {
    String queue = "parked-live";
    // No worker polls this queue yet, so the runs stay open for as long as the test needs.
    String cancelled =
        json(tally("run", "--task", "to cancel", "--json", "--task-queue", queue))
            .get("workflowId")
            .asText();
    String rated =
        json(tally("run", "--task", "to rate", "--json", "--task-queue", queue))
            .get("workflowId")
            .asText();

    Cli.Result status = tally("status", cancelled);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains(cancelled + "  RUNNING")
        .contains("no worker answered the status query");

    Cli.Result cancel = tally("cancel", cancelled, "--reason", "operator changed plans");
    assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
    assertThat(cancel.out()).contains("cancel signal sent to " + cancelled);

    Cli.Result feedback =
        tally(
            "feedback",
            rated,
            "--score",
            "0.8",
            "--label",
            "good",
            "--notes",
            "clear",
            "--by",
            "tester",
            "--json");
    assertThat(feedback.exitCode()).as(feedback.toString()).isZero();
    assertThat(json(feedback).get("signalledRun").asBoolean()).isTrue();
    assertThat(json(feedback).at("/event/score").asDouble()).isEqualTo(0.8);

    WorkerConfig base = STACK.stack().config();
    WorkerConfig parked = base.withTaskQueue(queue);
    try (TallyWorker worker =
        TallyWorker.create(STACK.stack().connection().client(), parked).start()) {
      assertThat(worker.config().taskQueue()).isEqualTo(queue);
      Cli.Result watched = tally("watch", cancelled, "--task-queue", queue);
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(watched.out()).contains("Outcome: NO_WINNER (cancelled)");

      Cli.Result ratedDone = tally("watch", rated, "--json");
      assertThat(ratedDone.exitCode()).as(ratedDone.toString()).isZero();
      JsonNode ratedStatus = json(tally("status", rated, "--json"));
      assertThat(ratedStatus.at("/status/feedback/0/score").asDouble()).isEqualTo(0.8);
      assertThat(ratedStatus.at("/status/feedback/0/label").asText()).isEqualTo("good");
      assertThat(ratedStatus.at("/status/feedback/0/by").asText()).isEqualTo("tester");
      assertThat(ratedStatus.at("/feedbackLog/events/0/score").asDouble()).isEqualTo(0.8);

      Cli.Result ledger = tally("ledger", cancelled, "--json");
      assertThat(ledger.exitCode()).as(ledger.toString()).isZero();
      assertThat(json(ledger).at("/check/ok").asBoolean()).isTrue();
    }
  }

  @Test
  void cancel_finishedRun_exit1WithOneLine() {
    String id = finishedRun();

    Cli.Result cancel = tally("cancel", id);

    assertThat(cancel.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(cancel.errLines()).singleElement().asString().contains("already ended (COMPLETED)");
  }

  @Test
  void feedback_finishedRun_recordedInItsLog_andShownByStatus() throws InterruptedException {
    String id = finishedRun();

    Cli.Result feedback =
        tally("feedback", id, "--score", "0.25", "--label", "too-vague", "--by", "reviewer");

    assertThat(feedback.exitCode()).as(feedback.toString()).isZero();
    assertThat(feedback.out()).contains("in its feedback log fb-" + id).doesNotContain("open run");
    // The log is a workflow of its own: the stack's worker records the event asynchronously.
    JsonNode log = awaitFeedbackLog(id);
    assertThat(log.at("/events/0/score").asDouble()).isEqualTo(0.25);
    assertThat(log.at("/events/0/label").asText()).isEqualTo("too-vague");
    assertThat(log.at("/events/0/by").asText()).isEqualTo("reviewer");
    assertThat(tally("status", id).out())
        .contains("feedback log fb-" + id)
        .contains("score 0.25 \"too-vague\" by reviewer");
  }

  private static JsonNode awaitFeedbackLog(String id) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      JsonNode status = json(tally("status", id, "--json"));
      if (status.at("/feedbackLog/events").size() > 0) {
        return status.get("feedbackLog");
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the feedback log of " + id + " never showed the event");
  }

  @Test
  void unknownId_everyRunCommand_exit3WithOneLine() {
    for (String[] args :
        List.of(
            new String[] {"status", "no-such-run"},
            new String[] {"watch", "no-such-run"},
            new String[] {"ledger", "no-such-run"},
            new String[] {"cancel", "no-such-run"},
            new String[] {"feedback", "no-such-run", "--score", "0.5"},
            new String[] {"status", "no-such-run", "--json"})) {
      Cli.Result r = tally(args);

      assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(ExitCode.NOT_FOUND);
      assertThat(r.errLines())
          .as(String.join(" ", args))
          .singleElement()
          .asString()
          .startsWith("tally: no run 'no-such-run' in namespace default at " + STACK.address())
          .contains("tally history");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void badFlags_exit2WithOneLineNamingTheProblem() {
    record Case(String[] args, String says) {}
    for (Case c :
        List.of(
            new Case(new String[] {"run"}, "Missing required option: '--task=TEXT'"),
            new Case(new String[] {"run", "--task", "x", "--bogus"}, "Unknown option: '--bogus'"),
            new Case(new String[] {"run", "--task", "x", "--max-tokens", "lots"}, "--max-tokens"),
            new Case(new String[] {"run", "--task", "x", "--max-tokens", "-5"}, "budget.maxTokens"),
            new Case(new String[] {"run", "--task", "x", "--deadline", "soon"}, "90s"),
            new Case(
                new String[] {"run", "--task", "x", "--per-worker-usd", "0.1"}, "perWorker.maxUsd"),
            new Case(new String[] {"status"}, "Missing required parameter: 'ID'"),
            new Case(new String[] {"feedback", "some-run", "--score", "2"}, "0..1"),
            new Case(new String[] {"history", "--limit", "0"}, "--limit"),
            new Case(new String[] {"launch"}, "Unmatched argument"),
            new Case(new String[] {"status", "x", "--address", "nowhere"}, "host:port"))) {
      Cli.Result r = tally(c.args());

      assertThat(r.exitCode()).as(String.join(" ", c.args()) + "\n" + r).isEqualTo(ExitCode.USAGE);
      assertThat(r.errLines())
          .as(String.join(" ", c.args()))
          .singleElement()
          .asString()
          .startsWith("tally: ")
          .contains(c.says());
    }
  }

  @Test
  void noCommand_printsUsageAndExit2() {
    Cli.Result r = tally();

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("missing command").contains("Usage: tally");
  }

  @Test
  void help_everyCommand_exit0AndDocumentsExitCodes() {
    for (String command :
        List.of(
            "demo",
            "dev",
            "server",
            "run",
            "status",
            "watch",
            "cancel",
            "feedback",
            "ledger",
            "history")) {
      Cli.Result r = tally(command, "--help");

      assertThat(r.exitCode()).as(command).isZero();
      assertThat(r.out())
          .as(command)
          .contains("Usage: tally " + command)
          .contains("--json")
          .contains("--address")
          .contains("4 Temporal server unreachable");
    }
  }

  @Test
  void serverDown_closedPort_exit4WithOneLine() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String address = "127.0.0.1:" + closed;
    for (String[] args :
        List.of(
            new String[] {"status", "any-run", "--address", address},
            new String[] {"run", "--task", "x", "--address", address},
            new String[] {"history", "--address", address, "--json"})) {
      Cli.Result r = tally(args);

      assertThat(r.exitCode())
          .as(String.join(" ", args) + "\n" + r)
          .isEqualTo(ExitCode.UNREACHABLE);
      assertThat(r.errLines())
          .singleElement()
          .asString()
          .startsWith("tally: cannot reach Temporal at " + address)
          .contains("tally server");
    }
  }

  @Test
  void globalOptions_acceptedBeforeOrAfterTheCommand() {
    String id = finishedRun();
    int port = STACK.stack().server().port();
    String address = "127.0.0.1:" + port;

    Cli.Result before = Cli.run(Map.of(), "--address", address, "status", id);
    Cli.Result after = Cli.run(Map.of(), "status", id, "--address", address);

    assertThat(before.exitCode()).as(before.toString()).isZero();
    assertThat(after.exitCode()).as(after.toString()).isZero();
  }

  @Test
  void history_listsRunsNewestFirst() {
    String older = finishedRun();
    String newer = finishedRun();

    Cli.Result js = tally("history", "--json", "--limit", "500");
    Cli.Result human = tally("history", "--limit", "1");

    assertThat(js.exitCode()).as(js.toString()).isZero();
    List<String> ids = json(js).get("runs").findValuesAsText("workflowId");
    assertThat(ids).contains(older, newer);
    assertThat(ids.indexOf(newer)).isLessThan(ids.indexOf(older));
    assertThat(json(js).get("runs").findValuesAsText("type")).containsOnly("SupervisedRun");
    assertThat(json(js).get("runs").get(ids.indexOf(newer)).get("closeTime")).isNotNull();
    assertThat(human.out()).contains("WORKFLOW ID").contains("--limit shows more");
  }
}
