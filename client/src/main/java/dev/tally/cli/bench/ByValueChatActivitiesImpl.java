package dev.tally.cli.bench;

import dev.tally.router.ChatBackend;
import dev.tally.router.ChatCall;
import dev.tally.router.ChatCompletion;
import dev.tally.router.ChatMessage;
import dev.tally.supervise.Toolsets;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.util.List;
import java.util.Objects;

/** Calls the same router over the same HTTP client Tally uses, with no conversation store. */
public final class ByValueChatActivitiesImpl implements ByValueChatActivities {
  private final ChatBackend backend;
  private final String model;

  public ByValueChatActivitiesImpl(ChatBackend backend, String model) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public Reply chat(List<ChatMessage> conversation) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    ChatCompletion c =
        backend.complete(
            new ChatCall(
                model,
                conversation,
                // The same tools Tally's driver is offered, so the router answers the same way.
                Toolsets.named(Toolsets.COORDINATION),
                null,
                info.getWorkflowId() + "/" + info.getWorkflowRunId() + "/" + info.getActivityId()));
    long in = c.usage() == null ? 0 : c.usage().inputTokens();
    long out = c.usage() == null ? 0 : c.usage().outputTokens();
    return new Reply(c.content(), c.toolCalls(), in, out);
  }
}
