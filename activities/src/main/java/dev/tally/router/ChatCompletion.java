package dev.tally.router;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a backend got back from one model call.
 *
 * @param content the reply text, empty when the model only called tools
 * @param toolCalls tool calls in order, arguments already parsed
 * @param usage token counts, or null when the provider did not report both of them as numbers
 * @param billedCostUsd the provider's own charge for the call, or null when it reported none
 * @param model the model that answered, as the provider named it
 */
public record ChatCompletion(
    String content, List<ToolCall> toolCalls, Usage usage, BigDecimal billedCostUsd, String model) {

  public ChatCompletion {
    content = content == null ? "" : content;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }
}
