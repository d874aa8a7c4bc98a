package dev.tally.cli;

import dev.tally.json.Json;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.nio.charset.StandardCharsets;

/** Starts a supervised run with a readable id and a summary the Temporal UI lists. */
final class RunLauncher {
  /** Temporal's limit for a static summary, in bytes. */
  static final int SUMMARY_MAX_BYTES = 200;

  private RunLauncher() {}

  static WorkflowExecution start(TemporalSession session, String workflowId, RunRequest request) {
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(session.taskQueue())
            .setStaticSummary(summary(request))
            .setStaticDetails(details(request))
            .build();
    SupervisedRunWorkflow run =
        session.client().newWorkflowStub(SupervisedRunWorkflow.class, options);
    try {
      return WorkflowClient.start(run::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliException(
          ExitCode.FAILED,
          "a run with id '"
              + workflowId
              + "' is already running in namespace "
              + session.namespace()
              + ": pick another --id, or follow it with `tally watch "
              + workflowId
              + "`",
          e);
    }
  }

  /** One line: the task and the budget, cut to Temporal's 200-byte limit. */
  static String summary(RunRequest r) {
    String budget = " [" + RunView.budgetText(r.budget()) + "]";
    String task = taskText(r).replaceAll("\\s+", " ").trim();
    String full = "Tally run: " + task + budget;
    if (bytes(full) <= SUMMARY_MAX_BYTES) {
      return full;
    }
    String head = "Tally run: ";
    int room = SUMMARY_MAX_BYTES - bytes(head) - bytes(budget) - bytes("…");
    StringBuilder cut = new StringBuilder();
    for (int cp : task.codePoints().toArray()) {
      String c = new String(Character.toChars(cp));
      if (bytes(cut.toString()) + bytes(c) > room) {
        break;
      }
      cut.append(c);
    }
    return head + cut + "…" + budget;
  }

  /** Markdown for the run's page in the Temporal UI. */
  static String details(RunRequest r) {
    return "### Tally supervised run\n\n"
        + "* **budget**: "
        + RunView.budgetText(r.budget())
        + "\n* **per worker**: "
        + RunView.budgetText(r.perWorker())
        + "\n* **max turns**: "
        + r.maxTurnsOrDefault()
        + "\n* **task**: "
        + taskText(r)
        + "\n";
  }

  static String taskText(RunRequest r) {
    return r.task() == null
        ? ""
        : r.task().isTextual() ? r.task().asText() : Json.canonical(r.task());
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
