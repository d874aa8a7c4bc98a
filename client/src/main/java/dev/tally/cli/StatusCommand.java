package dev.tally.cli;

import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.feedback.FeedbackEvent;
import dev.tally.feedback.FeedbackLog;
import dev.tally.feedback.FeedbackLogWorkflow;
import dev.tally.json.Json;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tally status ID}: where a run is now, from Temporal and from its {@code status} query. */
@Command(
    name = "status",
    description = {
      "Show a run's state: Temporal's view, the status query (phase, turn, workers, pool) and,"
          + " once it ended, its outcome."
    })
final class StatusCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      WorkflowExecutionInfo info = session.describe(workflowId);
      if (DelegationWorkflow.TYPE.equals(info.getType().getName())) {
        return delegation(session, info);
      }
      boolean open = TemporalSession.running(info);
      Optional<RunRequest> request = session.request(workflowId);
      TemporalSession.Answer<RunStatus> status =
          session.query(workflowId, "status", RunStatus.class);
      TemporalSession.Ending ending =
          open ? null : session.ending(workflowId, Duration.ofSeconds(10));
      TemporalSession.Answer<FeedbackLog> log =
          session.queryIfExists(
              FeedbackLogWorkflow.workflowId(workflowId),
              FeedbackLogWorkflow.FEEDBACK_QUERY,
              FeedbackLog.class);
      if (json) {
        Map<String, Object> doc = Views.execution(info);
        if (status.answered()) {
          doc.put("status", status.value());
        } else {
          doc.put("statusUnavailable", status.unavailable());
        }
        if (ending != null) {
          RunCommand.putEnding(doc, ending);
        }
        if (log.answered()) {
          doc.put("feedbackLog", log.value());
        }
        printJson(doc);
        return ExitCode.OK;
      }
      println(Views.headline(info));
      if (status.answered()) {
        RunStatus s = status.value();
        println("  " + RunView.progress(s, request.orElse(null)));
        if (s.workers() != null && !s.workers().isEmpty()) {
          TextTable t = new TextTable("WORKER", "PROFILE", "STATUS", ">TOKENS", "USD", "LABEL");
          for (RunStatus.WorkerView w : s.workers()) {
            t.row(
                w.id(),
                w.profile(),
                w.status() + (w.reason() == null ? "" : " (" + w.reason() + ")"),
                w.spent() == null ? "" : Money.tokens(w.spent()),
                w.spent() == null ? "" : Money.usd(w.spent()),
                w.label());
          }
          t.lines().forEach(l -> out().println(TerminalText.safe("  " + l)));
        }
        if (s.lastError() != null) {
          println("  last error: " + s.lastError());
        }
        if (s.feedback() != null && !s.feedback().isEmpty()) {
          println("  feedback signals received by the run: " + s.feedback().size());
        }
      } else {
        println("  (" + status.unavailable() + ")");
      }
      if (log.answered() && !log.value().events().isEmpty()) {
        println("  feedback log " + FeedbackLogWorkflow.workflowId(workflowId) + ":");
        for (FeedbackEvent e : log.value().events()) {
          println("    " + Views.feedbackLine(e));
        }
      }
      if (ending != null) {
        if (ending.result() != null) {
          printLines(RunView.outcome(ending.result(), false));
        } else {
          println("Outcome: no result, the run " + ending.failure());
        }
      }
      out().flush();
      return ExitCode.OK;
    }
  }

  /** A delegation's state: its status query while open, its result or memo once closed. */
  private int delegation(TemporalSession session, WorkflowExecutionInfo info) {
    DelegationStatus state = DelegationRows.state(session, workflowId);
    if (json) {
      Map<String, Object> doc = Views.execution(info);
      doc.put("delegation", state);
      printJson(doc);
      return ExitCode.OK;
    }
    println(Views.headline(info));
    println(
        "  "
            + state.profile()
            + " delegation · "
            + state.status()
            + " · "
            + (state.progress() == null ? "" : state.progress().phase())
            + (state.costUsd() == null ? " · cost unknown" : " · " + Money.usd(state.costUsd())));
    if (state.error() != null) {
      println("  error: " + state.error().kind() + ": " + state.error().message());
    }
    if (state.result() != null) {
      println("  result: " + Json.canonical(state.result()));
    }
    if (state.feedback() != null && !state.feedback().isEmpty()) {
      println("  feedback: " + state.feedback().size());
      for (var f : state.feedback()) {
        println(
            "    "
                + (f.capturedAt() == null ? "" : f.capturedAt() + "  ")
                + "score "
                + (f.rating() == null ? "?" : f.rating().score())
                + (f.by() == null ? "" : " by " + f.by())
                + (f.rating() == null || f.rating().notes() == null
                    ? ""
                    : ": " + f.rating().notes()));
      }
    }
    return ExitCode.OK;
  }

  /** Shared renderings of Temporal's own view of an execution. */
  static final class Views {
    private Views() {}

    static Map<String, Object> execution(WorkflowExecutionInfo info) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("workflowId", info.getExecution().getWorkflowId());
      doc.put("runId", info.getExecution().getRunId());
      doc.put("type", info.getType().getName());
      doc.put("temporalStatus", TemporalSession.statusName(info.getStatus()));
      doc.put("startTime", Times.iso(info.getStartTime()));
      if (info.hasCloseTime()) {
        doc.put("closeTime", Times.iso(info.getCloseTime()));
      }
      Map<String, Object> attributes = SearchAttributeValues.tallys(info);
      if (!attributes.isEmpty()) {
        doc.put("searchAttributes", attributes);
      }
      return doc;
    }

    static String feedbackLine(FeedbackEvent e) {
      StringBuilder b = new StringBuilder(e.capturedAt() == null ? "" : e.capturedAt() + "  ");
      if (FeedbackEvent.GATE.equals(e.kind())) {
        b.append("gate ").append(e.gateDecision());
        if (e.holdoutLift() != null) {
          b.append(" (holdout lift ").append(e.holdoutLift()).append(')');
        }
      } else {
        b.append("score ").append(e.score());
        if (e.label() != null) {
          b.append(" \"").append(e.label()).append('"');
        }
      }
      if (e.by() != null) {
        b.append(" by ").append(e.by());
      }
      if (e.notes() != null) {
        b.append(": ").append(e.notes());
      }
      return b.toString();
    }

    static String headline(WorkflowExecutionInfo info) {
      return info.getExecution().getWorkflowId()
          + "  "
          + TemporalSession.statusName(info.getStatus())
          + "  started "
          + Times.iso(info.getStartTime())
          + (info.hasCloseTime() ? "  closed " + Times.iso(info.getCloseTime()) : "");
    }
  }
}
