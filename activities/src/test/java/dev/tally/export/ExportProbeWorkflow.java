package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.LedgerEntry;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Calls {@link EvalRunExport} the way the supervisor does: {@code started} at the beginning, the
 * run's work (here a one-second sleep), {@code ended} with the ledger and result.
 */
@WorkflowInterface
public interface ExportProbeWorkflow {
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Input(RunRequest request, List<LedgerEntry> ledger, RunResult result) {}

  @WorkflowMethod(name = "ExportProbe")
  String run(Input input);
}
