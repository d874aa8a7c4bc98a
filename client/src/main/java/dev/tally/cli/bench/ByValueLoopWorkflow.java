package dev.tally.cli.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The overhead benchmark's peer: the agent loop a Temporal user would write without Tally, run
 * against the same scripted router; returns the model calls it made.
 */
@WorkflowInterface
public interface ByValueLoopWorkflow {
  @WorkflowMethod(name = "BenchByValueLoop")
  int run(int maxTurns);
}
