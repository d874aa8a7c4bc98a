package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One link of a stored conversation: the messages one turn added, and the segment before it.
 *
 * <p>The owner (the workflow whose conversation this is) is part of the stored bytes on purpose:
 * two runs that happen to say the same thing still get different segments, so {@code tally gc} can
 * delete one run's conversation without touching another's.
 *
 * @param owner the workflow id the conversation belongs to
 * @param prev the segment before this one, or null for the first
 * @param messages the messages this segment adds, in order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationSegment(String owner, String prev, List<ChatMessage> messages) {
  public ConversationSegment {
    Objects.requireNonNull(owner, "owner");
    messages = messages == null ? List.of() : List.copyOf(messages);
  }
}
