package dev.tally.router;

import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A deterministic, deliberately high estimate of a call's prompt tokens, computed before the call
 * is sent so that it can be admitted against what its node can still pay for.
 *
 * <p>It counts the UTF-8 bytes of every message and tool definition as the router receives them
 * (JSON), at {@value #BYTES_PER_TOKEN} bytes per token (tokenizers of current chat models average
 * about 4 bytes per token on English and code), plus {@value #MESSAGE_OVERHEAD_TOKENS} tokens per
 * message for the chat template. Workflow code uses it too (the minimal call a spawn must cover),
 * so it reads nothing but its arguments.
 */
public final class InputEstimate {
  /** Bytes of request JSON per estimated token. */
  public static final int BYTES_PER_TOKEN = 3;

  /** Template tokens per message (role markers and separators). */
  public static final int MESSAGE_OVERHEAD_TOKENS = 4;

  /** The smallest completion worth asking for: a call that cannot afford it is not sent. */
  public static final int MIN_OUTPUT_TOKENS = 1;

  private InputEstimate() {}

  /** Estimated prompt tokens of {@code messages} offered {@code tools}. */
  public static long tokens(List<ChatMessage> messages, List<ToolSpec> tools) {
    return tokens(messageBytes(messages), messages.size(), tools);
  }

  /**
   * The same estimate from the {@link #messageBytes(List)} of {@code count} messages, for a caller
   * that keeps those bytes per stored segment instead of measuring a long conversation again.
   */
  public static long tokens(long messageBytes, int count, List<ToolSpec> tools) {
    long bytes = messageBytes;
    if (tools != null) {
      for (ToolSpec t : tools) {
        bytes += utf8(Json.canonical(t));
      }
    }
    return (long) count * MESSAGE_OVERHEAD_TOKENS + (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
  }

  /** The JSON bytes of {@code messages} as the estimate counts them (a sum over messages). */
  public static long messageBytes(List<ChatMessage> messages) {
    long bytes = 0;
    for (ChatMessage m : messages) {
      bytes += utf8(Json.canonical(m));
    }
    return bytes;
  }

  /** The tokens of the smallest call that can be made with {@code messages}: input plus one out. */
  public static long minimalCall(List<ChatMessage> messages, List<ToolSpec> tools) {
    return tokens(messages, tools) + MIN_OUTPUT_TOKENS;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
