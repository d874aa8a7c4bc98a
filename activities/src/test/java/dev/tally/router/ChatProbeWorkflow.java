package dev.tally.router;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A workflow that makes one {@code RouterChat} call with the production options. */
@WorkflowInterface
public interface ChatProbeWorkflow {
  @WorkflowMethod
  ChatTurnReply chat(ChatTurnRequest request);
}
