package dev.tally.router;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Usage read from the text of a body that did not parse as JSON (truncated, oversized): the two
 * counts when both appear as plain integers, else nothing. A partial receipt is no receipt.
 */
final class UsageText {
  private static final Pattern PROMPT = Pattern.compile("\"prompt_tokens\"\\s*:\\s*(\\d{1,13})\\b");
  private static final Pattern COMPLETION =
      Pattern.compile("\"completion_tokens\"\\s*:\\s*(\\d{1,13})\\b");

  private UsageText() {}

  static Usage usage(String body) {
    if (body == null) {
      return null;
    }
    Long in = last(PROMPT.matcher(body));
    Long out = last(COMPLETION.matcher(body));
    if (in == null || out == null) {
      return null;
    }
    if (in > OpenAiChatBackend.MAX_TOKENS_PER_CALL || out > OpenAiChatBackend.MAX_TOKENS_PER_CALL) {
      return null;
    }
    return new Usage(in, out);
  }

  private static Long last(Matcher m) {
    Long found = null;
    while (m.find()) {
      found = Long.parseLong(m.group(1));
    }
    return found;
  }
}
