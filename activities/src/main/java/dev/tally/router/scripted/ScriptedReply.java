package dev.tally.router.scripted;

import java.util.List;

/**
 * What the script answers one request with.
 *
 * @param content the assistant text, always starting with {@link ScriptedRouter#PREFIX}
 * @param toolCalls tool calls, in order; empty for a plain answer
 */
record ScriptedReply(String content, List<Call> toolCalls) {
  ScriptedReply {
    toolCalls = List.copyOf(toolCalls);
  }

  /**
   * One tool call.
   *
   * @param id the call id, unique within the conversation
   * @param name the tool
   * @param arguments the arguments as JSON text, as the OpenAI wire format carries them
   */
  record Call(String id, String name, String arguments) {}

  /**
   * The characters a tokenizer would see in this reply: the text and every call's name and
   * arguments.
   */
  int chars() {
    int n = content.length();
    for (Call c : toolCalls) {
      n += c.name().length() + c.arguments().length();
    }
    return n;
  }
}
