package dev.tally.cli.bench;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.embedded.DevStack;
import dev.tally.ledger.Budget;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

/** The runs benchmarks measure: supervised runs of an exact number of driver turns. */
final class BenchRuns {
  private BenchRuns() {}

  /**
   * A run whose pool never binds (so only the script ends it) and whose turn cap sits above the
   * script's length.
   */
  static RunRequest request(int turns) {
    return new RunRequest(
        TextNode.valueOf("Benchmark run"),
        Budget.of(10, 10_000_000_000_000L),
        Budget.of(1, 100),
        turns + 2,
        null,
        null,
        null,
        null,
        null);
  }

  /** Starts a run, waits for it, and returns the driver turns it took. */
  static int runToEnd(DevStack stack, String id, int turns) {
    WorkflowClient client = stack.connection().client();
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(stack.config().taskQueue())
                .build());
    RunResult result = run.run(request(turns));
    if (result.spentTotal() == null) {
      throw new IllegalStateException("benchmark run " + id + " reported no spend");
    }
    return run.status().turn();
  }
}
