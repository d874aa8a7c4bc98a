package dev.tally.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.ledger.Budget;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunRequestRules;
import io.temporal.api.common.v1.WorkflowExecution;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code tally run}: start a supervised run, and with {@code --wait} follow it to its outcome. */
@Command(
    name = "run",
    description = {
      "Start a supervised run on the task queue.",
      "Without --wait it prints the run id and returns; with --wait it follows the run and exits 0"
          + " on a winner, 1 otherwise."
    })
final class RunCommand extends TallyCommand {
  static final long DEFAULT_MAX_TOKENS = 60_000;
  static final long DEFAULT_MAX_ITERATIONS = 8;
  static final long DEFAULT_PER_WORKER_TOKENS = 8_000;
  static final long DEFAULT_PER_WORKER_ITERATIONS = 1;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "TEXT",
      description = "What the driver should get done.")
  String task;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_MAX_TOKENS,
      description = "Token ceiling of the whole run (default: ${DEFAULT-VALUE}).")
  long maxTokens;

  @Option(
      names = "--max-usd",
      paramLabel = "USD",
      description = "Dollar ceiling of the whole run (default: dollars not capped).")
  BigDecimal maxUsd;

  @Option(
      names = "--max-iterations",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_MAX_ITERATIONS,
      description = "Child rounds the whole run may use (default: ${DEFAULT-VALUE}).")
  long maxIterations;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Wall-clock deadline from the run's start, e.g. 90s, 10m (default: none).")
  Duration deadline;

  @Option(
      names = "--max-turns",
      paramLabel = "N",
      description = "Driver turn cap (default: 16; 0 lifts it, the pool still bounds the run).")
  Integer maxTurns;

  @Option(
      names = "--per-worker-tokens",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_PER_WORKER_TOKENS,
      description = "Tokens reserved for each worker (default: ${DEFAULT-VALUE}).")
  long perWorkerTokens;

  @Option(
      names = "--per-worker-iterations",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_PER_WORKER_ITERATIONS,
      description = "Iterations reserved for each worker (default: ${DEFAULT-VALUE}).")
  long perWorkerIterations;

  @Option(
      names = "--per-worker-usd",
      paramLabel = "USD",
      description = "Dollars reserved for each worker (needs --max-usd; default: none).")
  BigDecimal perWorkerUsd;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description = "Driver model (default: the worker's TALLY_DRIVER_MODEL).")
  String model;

  @Option(
      names = "--worker-model",
      paramLabel = "MODEL",
      description = "Model of chat workers (default: the worker's TALLY_WORKER_MODEL).")
  String workerModel;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Workflow id (default: run-<slug of the task>-<random>).")
  String id;

  @Option(
      names = "--on-budget-exhausted",
      paramLabel = "end|pause",
      description =
          "What the run does when its pool or deadline runs out: end (default) or pause and wait"
              + " for tally raise.")
  String onBudgetExhausted;

  @Option(
      names = "--pause-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long a paused run waits for a raise before it ends (default: 24h).")
  Duration pauseTimeout;

  @Option(
      names = "--continue-as-new-after-events",
      paramLabel = "N",
      description = "History length at which the run continues-as-new (default: 10000, min 500).")
  Integer continueAsNewAfterEvents;

  @Option(names = "--wait", description = "Follow the run until it ends and print its outcome.")
  boolean wait;

  @Option(
      names = "--use-playbook",
      description = "Give the driver the observer's playbook entries for runs like this one.")
  boolean usePlaybook;

  @Override
  public Integer call() {
    RunRequest request = request();
    boolean chosen = id != null && !id.isBlank();
    try (TemporalSession session = root.connect()) {
      WorkflowExecution execution =
          RunLauncher.start(
              session, chosen ? id.trim() : RunIds.newId(task), !chosen, request, err());
      String workflowId = execution.getWorkflowId();
      if (!wait) {
        if (json) {
          printJson(started(execution, session));
        } else {
          println("started " + workflowId + " on task queue '" + session.taskQueue() + "'");
          println("  follow it:  tally watch " + workflowId);
          println("  cancel it:  tally cancel " + workflowId);
        }
        return ExitCode.OK;
      }
      TemporalSession.Ending ending;
      if (json) {
        ending = session.ending(workflowId, Duration.ofDays(3650));
        Map<String, Object> doc = started(execution, session);
        putEnding(doc, ending);
        printJson(doc);
      } else {
        println("started " + workflowId + " on task queue '" + session.taskQueue() + "'");
        ending = new RunWatcher(session, out(), root.pollInterval()).follow(workflowId, request);
        printEnding(ending);
      }
      return ending.winner() ? ExitCode.OK : ExitCode.FAILED;
    }
  }

  /** The RunRequest the flags describe, checked with the workflow's own rules before sending. */
  RunRequest request() {
    Budget budget =
        new Budget(maxIterations, maxTokens, maxUsd, deadline == null ? null : deadline.toMillis());
    Budget perWorker = new Budget(perWorkerIterations, perWorkerTokens, perWorkerUsd, null);
    DriverSettings driver =
        model == null && workerModel == null ? null : new DriverSettings(model, workerModel, null);
    RunRequest request =
        new RunRequest(
                TextNode.valueOf(task), budget, perWorker, maxTurns, null, null, driver, null, null)
            .withLongRun(
                onBudgetExhausted,
                pauseTimeout == null ? null : pauseTimeout.toMillis(),
                continueAsNewAfterEvents)
            .withUsePlaybook(usePlaybook ? Boolean.TRUE : null);
    List<String> problems = RunRequestRules.problems(request);
    if (!problems.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "invalid run: " + String.join("; ", problems));
    }
    return request;
  }

  private static Map<String, Object> started(WorkflowExecution execution, TemporalSession session) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workflowId", execution.getWorkflowId());
    doc.put("runId", execution.getRunId());
    doc.put("taskQueue", session.taskQueue());
    doc.put("namespace", session.namespace());
    return doc;
  }

  static void putEnding(Map<String, Object> doc, TemporalSession.Ending ending) {
    if (ending.result() != null) {
      doc.put("result", ending.result());
    } else {
      doc.put("failure", ending.failure());
    }
  }

  void printEnding(TemporalSession.Ending ending) {
    if (ending.result() != null) {
      printLines(RunView.outcome(ending.result(), false));
    } else {
      println("Outcome: no result, the run " + ending.failure());
    }
  }
}
