package dev.tally.cli.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The overhead benchmark's baseline: a workflow that calls a no-op activity {@code steps} times.
 */
@WorkflowInterface
public interface BareLoopWorkflow {
  @WorkflowMethod(name = "BenchBareLoop")
  int run(int steps);
}
