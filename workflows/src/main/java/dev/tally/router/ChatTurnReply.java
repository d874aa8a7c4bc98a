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
 * @param unreceiptedAttempts earlier attempts of this call that were sent and ended without a
 *     receipt (a timeout, a worker that died mid-call); null or 0 when there were none. Any such
 *     attempt may have been billed, so the call's spend is then a floor of unknown dollars.
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
    String model,
    Integer unreceiptedAttempts) {

  public ChatTurnReply {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    content = content == null ? "" : content;
  }

  /** A reply whose call needed no earlier attempt that went unreceipted. */
  public ChatTurnReply(
      String conversationRef,
      String content,
      List<ToolCall> toolCalls,
      Usage usage,
      BigDecimal costUsd,
      UsdSource usdSource,
      String model) {
    this(conversationRef, content, toolCalls, usage, costUsd, usdSource, model, null);
  }

  /**
   * What this turn cost, honestly: no receipt means the tokens are a floor, no price means the
   * dollars are unknown; neither is ever read as free.
   */
  public Spend spend(long iterations) {
    boolean earlierUnknown = unreceiptedAttempts != null && unreceiptedAttempts > 0;
    boolean tokensKnown = usage != null && !earlierUnknown;
    UsdSource source = costUsd == null || earlierUnknown ? UsdSource.UNKNOWN : usdSource;
    return new Spend(
        iterations,
        usage != null ? usage.inputTokens() : 0,
        usage != null ? usage.outputTokens() : 0,
        costUsd == null ? BigDecimal.ZERO : costUsd,
        0,
        tokensKnown,
        source == null ? UsdSource.UNKNOWN : source);
  }
}
