package dev.tally.cli.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.router.ChatMessage;
import dev.tally.router.ToolCall;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The model call a Temporal user would write without Tally: the whole conversation in, the reply
 * and its token counts out.
 */
@ActivityInterface
public interface ByValueChatActivities {
  @ActivityMethod(name = "BenchByValueChat")
  Reply chat(List<ChatMessage> conversation);

  /** The model's reply and what it reported using (zero when it reported nothing). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Reply(String content, List<ToolCall> toolCalls, long inputTokens, long outputTokens) {
    public Reply {
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }
  }
}
