package dev.tally.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tally watch ID}: live progress until the run ends, then its outcome. */
@Command(
    name = "watch",
    description = {
      "Follow a run live (turns, workers, tokens and dollars against the budget) until it ends.",
      "Exits 0 when it ended with a winner, 1 otherwise."
    })
final class WatchCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      session.describe(workflowId);
      TemporalSession.Ending ending;
      if (json) {
        // Scripts get one document at the end, not a stream of progress lines.
        ending = session.ending(workflowId, Duration.ofDays(3650));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        RunCommand.putEnding(doc, ending);
        printJson(doc);
      } else {
        ending =
            new RunWatcher(session, out(), root.pollInterval())
                .follow(workflowId, session.request(workflowId).orElse(null));
        if (ending.result() != null) {
          printLines(RunView.outcome(ending.result(), false));
        } else {
          println("Outcome: no result, the run " + ending.failure());
        }
      }
      return ending.winner() ? ExitCode.OK : ExitCode.FAILED;
    }
  }
}
