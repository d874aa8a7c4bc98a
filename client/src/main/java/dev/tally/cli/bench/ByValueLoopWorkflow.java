package dev.tally.cli.bench;

import dev.tally.router.ChatMessage;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The overhead benchmark's peer: the agent loop a Temporal user would write without Tally, run
 * against the same scripted router; returns the model calls it made. It opens with {@code opening},
 * the messages Tally's driver opened with (its system prompt and task), so both loops ship
 * conversations of the same size.
 */
@WorkflowInterface
public interface ByValueLoopWorkflow {
  @WorkflowMethod(name = "BenchByValueLoop")
  int run(int maxTurns, List<ChatMessage> opening);
}
