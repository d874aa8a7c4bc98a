package dev.tally.cli;

import dev.tally.supervise.CancelRequest;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally cancel ID}: the {@code cancel} signal; the run settles its ledger and ends. */
@Command(
    name = "cancel",
    description = {
      "Send the run its cancel signal: live workers are cancelled, every reservation settles, and"
          + " the run ends NO_WINNER (cancelled)."
    })
final class CancelCommand extends TallyCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The run's workflow id.")
  String workflowId;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      defaultValue = "cancelled from the tally CLI",
      description = "Why, recorded in the ledger (default: ${DEFAULT-VALUE}).")
  String reason;

  @Override
  public Integer call() {
    try (TemporalSession session = root.connect()) {
      WorkflowExecutionInfo info = session.describe(workflowId);
      if (!TemporalSession.running(info)) {
        throw new CliException(
            ExitCode.FAILED,
            "run '"
                + workflowId
                + "' already ended ("
                + TemporalSession.statusName(info.getStatus())
                + "): there is nothing to cancel; see `tally status "
                + workflowId
                + "`");
      }
      session.signal(workflowId, "cancel", new CancelRequest(reason));
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflowId", workflowId);
        doc.put("signal", "cancel");
        doc.put("reason", reason);
        printJson(doc);
      } else {
        println(
            "cancel signal sent to "
                + workflowId
                + " (reason: "
                + reason
                + "); it settles its ledger and ends NO_WINNER (cancelled)");
        println("  follow it:  tally watch " + workflowId);
      }
      return ExitCode.OK;
    }
  }
}
