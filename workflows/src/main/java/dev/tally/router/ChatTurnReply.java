package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import java.util.List;

/**
 * Output of one {@code RouterChat} call.
 *
 * @param conversationRef the conversation including the model's reply
 * @param content the reply text (empty when the model only called tools)
 * @param toolCalls tool calls, in order
 * @param usage token receipt, or null when the provider reported none
 * @param costUsd dollars for this call, or null when unknown
 * @param usdSource where {@code costUsd} came from
 * @param model the model that answered
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatTurnReply(
    String conversationRef,
    String content,
    List<ToolCall> toolCalls,
    Usage usage,
    BigDecimal costUsd,
    UsdSource usdSource,
    String model) {

  public ChatTurnReply {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    content = content == null ? "" : content;
  }

  /**
   * What this turn cost, honestly: no receipt means the tokens are a floor, no price means the
   * dollars are unknown; neither is ever read as free.
   */
  public Spend spend(long iterations) {
    boolean tokensKnown = usage != null;
    UsdSource source = costUsd == null ? UsdSource.UNKNOWN : usdSource;
    return new Spend(
        iterations,
        tokensKnown ? usage.inputTokens() : 0,
        tokensKnown ? usage.outputTokens() : 0,
        costUsd == null ? BigDecimal.ZERO : costUsd,
        0,
        tokensKnown,
        source == null ? UsdSource.UNKNOWN : source);
  }
}
