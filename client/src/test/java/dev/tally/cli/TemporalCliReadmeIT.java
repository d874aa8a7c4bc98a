package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.embedded.DevStack;
import dev.tally.embedded.GateProxy;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.realserver.RealTemporalExtension;
import dev.tally.realserver.ScriptedWorkers;
import dev.tally.realserver.ShellCommands;
import dev.tally.realserver.ShellCommands.Outcome;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Temporal CLI section, run command by command as written, with the real {@code
 * temporal} binary against Temporal's dev server and a Tally worker on task queue {@code tally}.
 */
class TemporalCliReadmeIT {
  static final String SECTION = "## Starting, signalling and querying runs from the Temporal CLI";

  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir static Path dir;
  private static ScriptedRouter router;
  private static GateProxy gate;
  private static DevStack worker;

  @BeforeAll
  static void startWorker() throws Exception {
    router = ScriptedRouter.start(0, DevStack.SCRIPTED_WORKERS);
    gate = GateProxy.start(router.baseUrl(), 1);
    worker = ScriptedWorkers.beside(REAL.server(), dir.resolve("data"), gate.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
    if (gate != null) {
      gate.close();
    }
    if (router != null) {
      router.close();
    }
  }

  @Test
  void readmeTemporalCliSection_everyCommandAsWritten_doesWhatTheReadmeSays() throws Exception {
    List<String> blocks = ShellCommands.blocks(Path.of("..", "README.md"), SECTION);
    assertThat(blocks).as("the section's sh blocks").hasSize(2);

    // The run must still be working while the queries and the feedback signal reach it: its
    // workers wait at the router until the block asks for the result.
    gate.closeAfter(1);
    List<Outcome> first = runAll(blocks.get(0), command -> command.contains("workflow result"));
    assertThat(first).extracting(Outcome::command).anyMatch(c -> c.contains("workflow count"));
    RunResult winner = result("run-from-cli-1");
    assertThat(winner.kind()).isEqualTo(RunResult.WINNER);
    assertOutput(first, "--type status", "\"phase\"");
    assertOutput(first, "--type ledger", "\"entries\"");
    assertOutput(first, "--name feedback", "Signal workflow succeeded");
    assertOutput(first, "workflow result", "\"kind\":\"WINNER\"");
    Matcher total = Pattern.compile("Total: (\\d+)").matcher(outputOf(first, "workflow count"));
    assertThat(total.find()).as("count output").isTrue();
    assertThat(Integer.parseInt(total.group(1))).isGreaterThanOrEqualTo(1);

    // The history the CLI wrote rebuilds the ledger to the run's own totals, and to the query's.
    List<LedgerEntry> rebuilt =
        LedgerRebuilder.fromHistoryJson(Files.readString(dir.resolve("run.json")));
    assertThat(rebuilt).isNotEmpty();
    LedgerTotals totals = LedgerTotals.of(rebuilt);
    assertThat(totals.spentTotal().sameAs(winner.spentTotal()))
        .as("rebuilt %s vs spentTotal %s", totals.spentTotal(), winner.spentTotal())
        .isTrue();
    LedgerView queried = run("run-from-cli-1").ledger();
    assertThat(queried.totals().spentTotal().sameAs(winner.spentTotal())).isTrue();
    assertThat(queried.entries()).hasSameSizeAs(rebuilt);
    assertThat(run("run-from-cli-1").status().feedback())
        .singleElement()
        .satisfies(f -> assertThat(f.by()).isEqualTo("ana"));

    // Cancels land while the workers wait at the router: the first driver turn gets through.
    gate.closeAfter(1);
    List<Outcome> second = runAll(blocks.get(1), command -> false);
    assertOutput(second, "--name cancel", "Signal workflow succeeded");
    RunResult signalled = result("run-from-cli-2");
    assertThat(signalled.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(signalled.reason()).isEqualTo("cancelled");
    Outcome temporalResult = only(second, "workflow result --workflow-id run-from-cli-3");
    assertThat(temporalResult.exitCode()).as(temporalResult.output()).isEqualTo(1);
    assertThat(temporalResult.output()).contains("CANCELED");
    assertThat(
            worker
                .connection()
                .client()
                .newUntypedWorkflowStub("run-from-cli-3")
                .describe()
                .getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    JsonNode described = Json.parse(outputOf(second, "workflow describe"));
    JsonNode outcome = described.at("/workflowExecutionInfo/memo/fields/outcome");
    assertThat(outcome.path("reason").asText()).as(described.toString()).isEqualTo("cancelled");
    for (String id : List.of("run-from-cli-2", "run-from-cli-3")) {
      assertEverySpawnSettled(id);
    }
    gate.open();
  }

  /** Runs each command of {@code block}; the router's gate opens before the first that matches. */
  private static List<Outcome> runAll(String block, Predicate<String> opensGate) {
    List<Outcome> outcomes = new ArrayList<>();
    for (String command : ShellCommands.commands(block)) {
      if (opensGate.test(command)) {
        gate.open();
      }
      Outcome o =
          ShellCommands.run(command, dir, Map.of("TEMPORAL_ADDRESS", REAL.server().address()));
      boolean mayFail = command.contains("run-from-cli-3") && command.contains("workflow result");
      if (!mayFail) {
        assertThat(o.exitCode()).as("%s\n%s", command, o.output()).isZero();
      }
      outcomes.add(o);
    }
    return outcomes;
  }

  private static Outcome only(List<Outcome> outcomes, String fragment) {
    List<Outcome> matching = outcomes.stream().filter(o -> o.command().contains(fragment)).toList();
    assertThat(matching).as("commands containing '%s'", fragment).hasSize(1);
    return matching.get(0);
  }

  private static String outputOf(List<Outcome> outcomes, String fragment) {
    return only(outcomes, fragment).output();
  }

  private static void assertOutput(List<Outcome> outcomes, String fragment, String expected) {
    assertThat(outputOf(outcomes, fragment)).contains(expected);
  }

  private static SupervisedRunWorkflow run(String id) {
    return worker.connection().client().newWorkflowStub(SupervisedRunWorkflow.class, id);
  }

  private static RunResult result(String id) {
    return worker.connection().client().newUntypedWorkflowStub(id).getResult(RunResult.class);
  }

  /** No reservation leaks: every spawned worker has its settlement in the history. */
  private static void assertEverySpawnSettled(String id) {
    List<LedgerEntry> entries =
        LedgerRebuilder.fromHistoryJson(worker.connection().client().fetchHistory(id).toJson(true));
    Set<String> spawned =
        entries.stream()
            .filter(e -> e instanceof LedgerEntry.Spawned)
            .map(e -> ((LedgerEntry.Spawned) e).id())
            .collect(Collectors.toSet());
    Set<String> closed =
        entries.stream()
            .filter(e -> e instanceof LedgerEntry.Settled || e instanceof LedgerEntry.Cancelled)
            .map(TemporalCliReadmeIT::nodeOf)
            .collect(Collectors.toSet());
    assertThat(closed).as("settled nodes of %s", id).containsAll(spawned);
  }

  private static String nodeOf(LedgerEntry e) {
    return e instanceof LedgerEntry.Settled s ? s.id() : ((LedgerEntry.Cancelled) e).id();
  }
}
