package dev.tally.cli;

import dev.tally.embedded.TallySearchAttributes;
import dev.tally.json.Json;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunSearchAttributes;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Starts a supervised run with a readable id and a summary the Temporal UI lists. */
final class RunLauncher {
  /** Temporal's limit for a static summary, in bytes. */
  static final int SUMMARY_MAX_BYTES = 200;

  private RunLauncher() {}

  /**
   * Starts the run with Tally's search attributes, or without them (saying so on {@code notes})
   * when the server does not know them.
   *
   * @param idGenerated whether {@code workflowId} was generated (and so may be replaced) rather
   *     than chosen with {@code --id}
   * @return the execution started; its workflow id may differ from {@code workflowId} when a
   *     generated one had to be replaced
   */
  static WorkflowExecution start(
      TemporalSession session,
      String workflowId,
      boolean idGenerated,
      RunRequest request,
      PrintWriter notes) {
    Optional<Boolean> known = session.knowsSearchAttributes(TallySearchAttributes.ALL.keySet());
    if (known.isPresent() && !known.get()) {
      note(notes);
      return startOrExplain(session, workflowId, request, false);
    }
    try {
      return startOrExplain(session, workflowId, request, true);
    } catch (WorkflowServiceException e) {
      if (!unknownSearchAttribute(e)) {
        throw e;
      }
      // Only a server that cannot list its attributes (the Java test server) gets here. It keeps a
      // refused start's id as taken (ALREADY_EXISTS, though describe finds no such run), so a
      // generated id is replaced; a chosen one cannot be reused there.
      note(notes);
      String retryId = idGenerated ? RunIds.newId(taskText(request)) : workflowId;
      try {
        return start(session, retryId, request, false);
      } catch (WorkflowExecutionAlreadyStarted again) {
        throw new CliException(
            ExitCode.FAILED,
            "the server at "
                + session.address()
                + " refused the run's search attributes and now holds the id '"
                + workflowId
                + "': pick another --id, or start the server with `tally server`, which registers"
                + " Tally's search attributes",
            again);
      }
    }
  }

  private static void note(PrintWriter notes) {
    // A server without Tally's search attributes still runs Tally; the run is just not searchable
    // by them. Say so instead of failing.
    notes.println(
        "note: the server does not know Tally's search attributes (TallyStatus, ...); starting"
            + " without them. Register them with `temporal operator search-attribute create`"
            + " (see README) to search runs by status and spend.");
    notes.flush();
  }

  private static WorkflowExecution startOrExplain(
      TemporalSession session, String workflowId, RunRequest request, boolean searchable) {
    try {
      return start(session, workflowId, request, searchable);
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

  private static WorkflowExecution start(
      TemporalSession session, String workflowId, RunRequest request, boolean searchable) {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(session.taskQueue())
            .setStaticSummary(summary(request))
            .setStaticDetails(details(request));
    if (searchable) {
      options.setTypedSearchAttributes(RunSearchAttributes.atStart("run", null));
    }
    SupervisedRunWorkflow run =
        session.client().newWorkflowStub(SupervisedRunWorkflow.class, options.build());
    return WorkflowClient.start(run::run, request);
  }

  private static boolean unknownSearchAttribute(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("search attribute") && m.contains("not defined")) {
        return true;
      }
    }
    return false;
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
