package dev.tally.cli.bench;

import dev.tally.router.ChatMessage;
import dev.tally.router.ToolCall;
import dev.tally.supervise.Toolsets;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain agent loop: the whole conversation passed by value into each model-call activity, the
 * tools answered in workflow code, usage summed in a local variable; no blob store, no ledger, no
 * budget pool, no metering. It ends where Tally's driver ends, at the model's {@code stop} call.
 */
public final class ByValueLoopWorkflowImpl implements ByValueLoopWorkflow {
  private final ByValueChatActivities chat =
      Workflow.newActivityStub(
          ByValueChatActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  @Override
  public int run(int maxTurns, List<ChatMessage> opening) {
    List<ChatMessage> conversation = new ArrayList<>(opening);
    long tokens = 0;
    for (int turn = 1; turn <= maxTurns; turn++) {
      ByValueChatActivities.Reply reply = chat.chat(conversation);
      tokens += reply.inputTokens() + reply.outputTokens();
      conversation.add(
          ChatMessage.assistant(
              reply.content(), reply.toolCalls().isEmpty() ? null : reply.toolCalls()));
      boolean stopped = false;
      for (ToolCall call : reply.toolCalls()) {
        stopped |= Toolsets.STOP.equals(call.name());
        conversation.add(
            ChatMessage.tool(
                call.id(),
                call.name(),
                Toolsets.STOP.equals(call.name()) ? "{\"stopped\":true}" : "{\"idle\":true}"));
      }
      if (stopped || reply.toolCalls().isEmpty()) {
        Workflow.getLogger(ByValueLoopWorkflowImpl.class)
            .info("by-value loop: {} turns, {} tokens", turn, tokens);
        return turn;
      }
    }
    return maxTurns;
  }
}
