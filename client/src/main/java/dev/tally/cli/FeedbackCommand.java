package dev.tally.cli;

import dev.tally.delegate.DelegationFeedback;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.feedback.FeedbackRecorder;
import dev.tally.supervise.Feedback;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tally feedback ID --score S}: a rating, recorded durably whether the run is open or
 * closed.
 *
 * <p>A closed workflow takes no signals, yet results are rated after they close, so every rating
 * goes to the target's feedback log ({@code fb-<id>}, a small workflow started by
 * signal-with-start). A run that is still open also gets the {@code feedback} signal, so its own
 * status and result carry the rating too.
 */
@Command(
    name = "feedback",
    description = {
      "Rate a run or delegation, open or closed: recorded in its feedback log (fb-ID), and sent as"
          + " the feedback signal to a supervised run that is still open."
    })
final class FeedbackCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Option(names = "--score", required = true, paramLabel = "S", description = "A score in 0..1.")
  double score;

  @Option(names = "--label", paramLabel = "TEXT", description = "A short tag, e.g. good, wrong.")
  String label;

  @Option(names = "--notes", paramLabel = "TEXT", description = "Free text.")
  String notes;

  @Option(names = "--by", paramLabel = "WHO", description = "Who rates (default: $USER, else cli).")
  String by;

  @Override
  public Integer call() {
    if (!(score >= 0 && score <= 1)) {
      throw new ParameterException(
          spec.commandLine(), "--score: expected a number in 0..1, got " + score);
    }
    String who = by != null ? by : root.env().getOrDefault("USER", "cli");
    try (TemporalSession session = root.connect()) {
      WorkflowExecutionInfo info = session.describe(workflowId);
      boolean signalled =
          TemporalSession.running(info)
              && SupervisedRunWorkflow.TYPE.equals(info.getType().getName());
      if (signalled) {
        session.signal(workflowId, "feedback", new Feedback(score, label, notes, who));
      }
      FeedbackRecorder.Recorded recorded;
      try {
        recorded =
            new FeedbackRecorder(session.client(), session.taskQueue())
                .feedback(workflowId, score, label, notes, who);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "invalid feedback: " + e.getMessage());
      }
      // An open delegation hears the rating as its own signal too, carrying the logged instant,
      // so its status lists it once.
      if (TemporalSession.running(info)
          && DelegationWorkflow.TYPE.equals(info.getType().getName())) {
        session.signal(workflowId, "feedback", DelegationFeedback.fromLog(recorded.event()));
        signalled = true;
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("feedbackLog", recorded.logWorkflowId());
        doc.put("signalledRun", signalled);
        doc.put("event", recorded.event());
        printJson(doc);
      } else {
        println(
            "feedback recorded for "
                + workflowId
                + " (score "
                + score
                + ", by "
                + who
                + ") in its feedback log "
                + recorded.logWorkflowId()
                + (signalled ? ", and sent to the open run" : ""));
      }
      return ExitCode.OK;
    }
  }
}
