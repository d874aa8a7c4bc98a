package dev.tally.router;

import java.util.ArrayList;
import java.util.List;

/**
 * What a driver turn sends of a long conversation: its system prompt and task, a note of what is
 * left out, and the newest messages that fit in {@link #MAX_TOKENS} estimated tokens, starting at
 * an assistant message so every tool result still follows its call. The whole conversation stays
 * stored; only the call is bounded, so a run of thousands of turns never outgrows a model's context
 * window, and a turn costs the same at turn 10,000 as at turn 300. What the window hides the driver
 * can read again: the budget line carries the pool and the turn, and {@code observe_worker} any
 * worker's state.
 */
final class DriverWindow {
  /** Estimated input tokens of the newest messages sent (the prompt and task come on top). */
  static final long MAX_TOKENS = 24_000;

  /** The system prompt and the task, always sent. */
  private static final int HEAD = 2;

  private DriverWindow() {}

  /** {@code conversation} as a driver turn sends it: whole while it fits, else windowed. */
  static List<ChatMessage> of(List<ChatMessage> conversation) {
    return of(conversation, MAX_TOKENS);
  }

  static List<ChatMessage> of(List<ChatMessage> conversation, long maxTokens) {
    int n = conversation.size();
    if (n <= HEAD + 1) {
      return conversation;
    }
    int start = n;
    long tokens = 0;
    while (start > HEAD) {
      long next = InputEstimate.tokens(List.of(conversation.get(start - 1)), null);
      if (tokens + next > maxTokens && start < n) {
        break;
      }
      tokens += next;
      start--;
    }
    if (start == HEAD) {
      return conversation;
    }
    // Never begin with a tool result whose call was left out.
    while (start < n - 1 && !"assistant".equals(conversation.get(start).role())) {
      start++;
    }
    List<ChatMessage> sent = new ArrayList<>(conversation.subList(0, HEAD));
    sent.add(
        ChatMessage.user(
            "[tally] "
                + (start - HEAD)
                + " earlier messages of this conversation are not repeated here; the budget line"
                + " and observe_worker give the current state."));
    sent.addAll(conversation.subList(start, n));
    return sent;
  }
}
