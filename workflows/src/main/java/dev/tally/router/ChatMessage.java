package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One message of a conversation, OpenAI-shaped.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text (may be empty for an assistant message that only calls tools)
 * @param toolCalls calls made by an assistant message
 * @param toolCallId the call a tool message answers
 * @param name the tool a tool message answers
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ChatMessage(
    String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content, null, null, null);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content, null, null, null);
  }

  public static ChatMessage assistant(String content, List<ToolCall> calls) {
    return new ChatMessage("assistant", content, calls, null, null);
  }

  public static ChatMessage tool(String toolCallId, String name, String content) {
    return new ChatMessage("tool", content, null, toolCallId, name);
  }

  /** This message with {@code line} after its text, on a paragraph of its own. */
  public ChatMessage followedBy(String line) {
    String text = content == null || content.isEmpty() ? line : content + "\n\n" + line;
    return new ChatMessage(role, text, toolCalls, toolCallId, name);
  }
}
