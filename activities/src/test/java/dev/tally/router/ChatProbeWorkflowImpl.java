package dev.tally.router;

import dev.tally.supervise.Policies;
import io.temporal.workflow.Workflow;

public class ChatProbeWorkflowImpl implements ChatProbeWorkflow {
  @Override
  public ChatTurnReply chat(ChatTurnRequest request) {
    RouterChatActivities router =
        Workflow.newActivityStub(RouterChatActivities.class, Policies.routerChat("probe call"));
    return router.routerChat(request);
  }
}
