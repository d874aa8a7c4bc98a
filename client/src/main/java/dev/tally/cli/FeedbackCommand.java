package dev.tally.cli;

import dev.tally.supervise.Feedback;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tally feedback ID --score S}: the {@code feedback} signal, appended to the run's list. */
@Command(
    name = "feedback",
    description = {
      "Rate a running run (the feedback signal). Temporal accepts signals only while"
          + " a run is open."
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
      if (!TemporalSession.running(info)) {
        throw new CliException(
            ExitCode.FAILED,
            "run '"
                + workflowId
                + "' already ended ("
                + TemporalSession.statusName(info.getStatus())
                + "): Temporal accepts signals only while a run is open; record the rating"
                + " elsewhere");
      }
      Feedback feedback = new Feedback(score, label, notes, who);
      session.signal(workflowId, "feedback", feedback);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("signal", "feedback");
        doc.put("feedback", feedback);
        printJson(doc);
      } else {
        println("feedback sent to " + workflowId + " (score " + score + ", by " + who + ")");
      }
      return ExitCode.OK;
    }
  }
}
