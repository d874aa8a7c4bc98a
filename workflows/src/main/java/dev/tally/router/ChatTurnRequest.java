package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/**
 * Input of one {@code RouterChat} call. The conversation travels by reference: the activity loads
 * {@code conversationRef} from the blob store, appends {@code append}, calls the model, and stores
 * the result, so history grows by the new messages only, whatever the conversation's length.
 *
 * @param runId the workflow whose turn this is
 * @param nodeId the node that pays for it
 * @param turn zero-based turn of that node
 * @param role {@code driver} or {@code worker}; picks the default model
 * @param model model override, or null for the worker's configured default for {@code role}
 * @param temperature sampling temperature, or null for the default
 * @param conversationRef content address of the conversation so far, or null for a new one
 * @param append messages to add before calling the model
 * @param toolset name of the tool set offered ({@code coordination}), or null for none
 * @param usdCapped whether the paying pool caps dollars: an unpriced model must then fail loudly
 * @param tokenAllowance tokens (input plus output) this call may spend: what its node, and the pool
 *     above it, can still pay for. The activity refuses the call before sending it when the
 *     estimated input alone does not fit, and otherwise sets {@code max_tokens} to the rest. Null
 *     only from workflows started before call admission existed.
 * @param usdAllowance dollars this call may spend when its node caps dollars, else null
 * @param budgetLine a driver turn's budget, as the model reads it (see {@link #withBudgetLine})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatTurnRequest(
    String runId,
    String nodeId,
    int turn,
    String role,
    String model,
    Double temperature,
    String conversationRef,
    List<ChatMessage> append,
    String toolset,
    boolean usdCapped,
    Long tokenAllowance,
    BigDecimal usdAllowance,
    String budgetLine) {

  public static final String DRIVER = "driver";
  public static final String WORKER = "worker";
  public static final String JUDGE = "judge";

  public ChatTurnRequest {
    append = append == null ? List.of() : List.copyOf(append);
  }

  /** A request without admission limits, as workflows before call admission sent them. */
  public ChatTurnRequest(
      String runId,
      String nodeId,
      int turn,
      String role,
      String model,
      Double temperature,
      String conversationRef,
      List<ChatMessage> append,
      String toolset,
      boolean usdCapped) {
    this(
        runId,
        nodeId,
        turn,
        role,
        model,
        temperature,
        conversationRef,
        append,
        toolset,
        usdCapped,
        null,
        null,
        null);
  }

  /** The same request admitted with these limits. */
  public ChatTurnRequest admitted(Long tokens, BigDecimal usd) {
    return new ChatTurnRequest(
        runId,
        nodeId,
        turn,
        role,
        model,
        temperature,
        conversationRef,
        append,
        toolset,
        usdCapped,
        tokens,
        usd,
        budgetLine);
  }

  /**
   * The same request with the driver's budget line: sent to the model after the last message (so a
   * provider's prompt cache keeps the prefix), never stored in the conversation.
   */
  public ChatTurnRequest withBudgetLine(String line) {
    return new ChatTurnRequest(
        runId,
        nodeId,
        turn,
        role,
        model,
        temperature,
        conversationRef,
        append,
        toolset,
        usdCapped,
        tokenAllowance,
        usdAllowance,
        line);
  }
}
