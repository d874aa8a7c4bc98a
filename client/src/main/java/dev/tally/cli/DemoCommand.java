package dev.tally.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.devserver.TemporalCli;
import dev.tally.embedded.DevStack;
import dev.tally.ledger.Budget;
import dev.tally.supervise.RunRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally demo}: one supervised run, start to finish, with nothing installed but Java. It
 * starts the embedded server on a free port, an in-process worker and the scripted router, runs one
 * supervised run with live progress, and ends with the outcome, the worker tree and the ledger.
 */
@Command(
    name = "demo",
    description = {
      "Run one supervised run end to end on an embedded Temporal server with an in-process worker"
          + " and Tally's scripted router (answers are scripted: no model, no key, no Docker).",
      "Exits 0 when the run ends with a winner and its ledger checks out."
    })
final class DemoCommand extends TallyCommand {
  static final String DEFAULT_TASK = "Name three ways to cut LLM agent costs";

  @Option(
      names = "--task",
      paramLabel = "TEXT",
      defaultValue = DEFAULT_TASK,
      description = "The task (default: ${DEFAULT-VALUE}).")
  String task;

  /** The demo's budget: room for the scripted driver's three workers, with dollars capped. */
  static RunRequest request(String task) {
    Budget budget = new Budget(8L, 60_000L, new BigDecimal("0.50"), 300_000L);
    Budget perWorker = new Budget(1L, 8_000L, new BigDecimal("0.05"), null);
    return new RunRequest(
        TextNode.valueOf(task), budget, perWorker, null, null, null, null, null, null);
  }

  @Override
  public Integer call() {
    if (!json) {
      println(
          "Tally demo: one supervised run on an embedded Temporal server (in memory, nothing"
              + " kept on disk), an in-process worker, and Tally's scripted router.");
      println(
          "The router answers are SCRIPTED (a local OpenAI-compatible endpoint, no model, no"
              + " key); everything else (Temporal, the worker, the router client, metering) is the"
              + " real code path.");
    }
    try (DevStack stack = DevCommand.start(root, 0, true)) {
      TemporalSession session = TemporalSession.of(stack.connection(), stack.config().taskQueue());
      RunRequest request = request(task);
      String workflowId =
          RunLauncher.start(session, RunIds.newId(task), true, request, err()).getWorkflowId();
      if (!json) {
        println("");
        println(
            "Temporal "
                + stack.server().address()
                + " · task queue '"
                + stack.config().taskQueue()
                + "' · scripted router "
                + stack.routerBaseUrl());
        println("Run " + workflowId);
        println("  task:       " + task);
        println("  budget:     " + RunView.budgetText(request.budget()));
        println("  per worker: " + RunView.budgetText(request.perWorker()));
        println("");
      }
      TemporalSession.Ending ending =
          json
              ? session.ending(workflowId, Duration.ofMinutes(10))
              : new RunWatcher(session, out(), root.pollInterval()).follow(workflowId, request);
      LedgerCheck check = LedgerReport.check(session, workflowId);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("scripted", true);
        RunCommand.putEnding(doc, ending);
        doc.put("ledger", LedgerJson.entries(check.entries()));
        doc.put("ledgerOk", check.ok());
        doc.put("ledgerMismatches", check.mismatches());
        printJson(doc);
      } else {
        println("");
        if (ending.result() != null) {
          printLines(RunView.outcome(ending.result(), true));
        } else {
          println("Outcome: no result, the run " + ending.failure());
        }
        println("");
        println("Workers:");
        printLines(
            RunView.workerTree(
                workflowId,
                check.entries(),
                ending.result() == null ? null : ending.result().winnerId(),
                node -> LedgerReport.nested(session, node)));
        println("");
        println("Ledger, rebuilt from the run's history (NODE is relative to the run id):");
        printLines(RunView.ledgerTable(workflowId, check.entries()));
        println("");
        println("Check: " + check.summary());
        println("");
        println(
            "The embedded server is gone when the demo exits. To watch a run like this one in"
                + " Temporal's Web UI and keep it: "
                + (DevCommand.cli(root).isPresent()
                    ? "the temporal CLI is installed, so"
                    : "install the temporal CLI (" + TemporalCli.HOW_TO_INSTALL + "), then")
                + " run `java -jar client/target/tally.jar dev`, then `java -jar"
                + " client/target/tally.jar run --wait --task \""
                + task
                + "\"` in another shell, and open"
                + " http://127.0.0.1:8233/namespaces/default/workflows (its run id is the"
                + " first column).");
      }
      if (!check.ok()) {
        throw new CliException(
            ExitCode.FAILED,
            "ledger mismatch in the demo run: " + check.mismatches().get(0) + " (a bug in Tally)");
      }
      return ending.winner() ? ExitCode.OK : ExitCode.FAILED;
    }
  }
}
