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
 * signal-with-start). A supervised run that is still open is sent the rating first as its {@code
 * rate} update, so its own status and result carry it too, and a rating the run refuses (its
 * validator names the field) exits 2 with nothing recorded anywhere. An open delegation gets the
 * {@code feedback} signal.
 */
@Command(
    name = "feedback",
    description = {
      "Rate a run or delegation, open or closed: recorded in its feedback log (fb-ID), and sent as"
          + " the rate update to a supervised run that is still open (a rating the run refuses"
          + " exits 2, recorded nowhere)."
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
      boolean signalled = false;
      String runAnswer = null;
      if (TemporalSession.running(info)
          && SupervisedRunWorkflow.TYPE.equals(info.getType().getName())) {
        RunRating.Answer answer =
            RunRating.send(
                session.client(),
                workflowId,
                new Feedback(score, label, notes, who),
                TemporalSession.QUERY_TIMEOUT);
        if (answer instanceof RunRating.Answer.Refused refused) {
          throw new CliException(
              ExitCode.USAGE,
              "the run "
                  + workflowId
                  + " refused the rating, nothing recorded: "
                  + refused.reason());
        }
        signalled = !(answer instanceof RunRating.Answer.Closed);
        runAnswer = describe(answer);
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
        if (runAnswer != null) {
          doc.put("runAnswer", runAnswer);
        }
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
                + (runAnswer != null ? "; the open run " + runAnswer : "")
                + (runAnswer == null && signalled ? ", and sent to the open delegation" : ""));
      }
      return ExitCode.OK;
    }
  }

  private static String describe(RunRating.Answer answer) {
    if (answer instanceof RunRating.Answer.Taken taken) {
      return "took it (" + taken.held() + (taken.held() == 1 ? " rating" : " ratings") + " held)";
    }
    if (answer instanceof RunRating.Answer.NoAnswer none) {
      return "has no worker answering (waited "
          + none.waited().toSeconds()
          + " s); it takes the rating when a worker polls";
    }
    return "closed before it could take the rating";
  }
}
