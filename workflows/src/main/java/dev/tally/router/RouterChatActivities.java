package dev.tally.router;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** One model call through an OpenAI-compatible router. */
@ActivityInterface
public interface RouterChatActivities {
  /** Activity type {@code RouterChat}. */
  @ActivityMethod(name = "RouterChat")
  ChatTurnReply routerChat(ChatTurnRequest request);
}
