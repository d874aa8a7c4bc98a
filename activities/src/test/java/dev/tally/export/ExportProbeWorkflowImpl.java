package dev.tally.export;

import io.temporal.workflow.Workflow;
import java.time.Duration;

public final class ExportProbeWorkflowImpl implements ExportProbeWorkflow {
  @Override
  public String run(Input input) {
    EvalRunExport export =
        EvalRunExport.forRun(Workflow.getInfo().getWorkflowId(), input.request());
    export.started();
    Workflow.sleep(Duration.ofSeconds(1));
    export.ended(input.ledger(), input.result(), java.util.Map.of());
    return "done";
  }
}
