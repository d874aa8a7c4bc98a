package dev.tally.cli;

import dev.tally.export.EvalRunEvent;
import dev.tally.feedback.FeedbackRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally gate ID --decision ...}: records a gate decision on a run or delegation, open or
 * closed, in its durable feedback log; a run that exports eval records is re-filed as {@code
 * gate-decided} under the same run id.
 */
@Command(
    name = "gate",
    description = {
      "Record a gate decision (ship, hold, need_more_work, model_ceiling, arch_ceiling) on a run"
          + " or delegation, open or closed; an exported run is re-filed as gate-decided."
    })
final class GateCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's or delegation's id.")
  String targetId;

  @Option(
      names = "--decision",
      required = true,
      paramLabel = "DECISION",
      description = "ship | hold | need_more_work | model_ceiling | arch_ceiling.")
  String decision;

  @Option(names = "--holdout-lift", paramLabel = "X", description = "Measured holdout lift.")
  Double holdoutLift;

  @Option(names = "--notes", paramLabel = "TEXT", description = "Why.")
  String notes;

  @Option(names = "--by", paramLabel = "WHO", defaultValue = "cli", description = "Who decided.")
  String by;

  @Override
  public Integer call() {
    if (!EvalRunEvent.GATE_DECISIONS.contains(decision)) {
      throw new CliException(
          ExitCode.USAGE,
          "--decision: expected one of "
              + EvalRunEvent.GATE_DECISIONS
              + ", got '"
              + decision
              + "'");
    }
    try (TemporalSession session = root.connect()) {
      session.describe(targetId);
      FeedbackRecorder.Recorded recorded =
          new FeedbackRecorder(session.client(), session.taskQueue())
              .gate(targetId, decision, holdoutLift, notes, by);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("targetId", targetId);
        doc.put("decision", decision);
        doc.put("log", recorded.logWorkflowId());
        doc.put("reexported", recorded.reexported());
        printJson(doc);
      } else {
        println(
            "gate decision '"
                + decision
                + "' recorded for "
                + targetId
                + " in "
                + recorded.logWorkflowId()
                + (recorded.reexported()
                    ? "; its eval record is re-filed as gate-decided"
                    : "; it exports no eval record"));
      }
      return ExitCode.OK;
    }
  }
}
