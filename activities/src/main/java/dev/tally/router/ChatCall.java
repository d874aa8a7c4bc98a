package dev.tally.router;

import java.util.List;
import java.util.Objects;

/**
 * One model call with the whole conversation, as the backend sends it.
 *
 * @param model the model id the router should use
 * @param messages the full conversation, oldest first
 * @param tools tools offered to the model; empty for none
 * @param temperature sampling temperature, or null for the provider's default
 * @param idempotencyKey stable across retries of one logical call, so the provider can deduplicate
 * @param maxTokens the completion cap sent as {@code max_tokens}, or null for none (only for calls
 *     from workflows that predate call admission)
 */
public record ChatCall(
    String model,
    List<ChatMessage> messages,
    List<ToolSpec> tools,
    Double temperature,
    String idempotencyKey,
    Long maxTokens) {

  /** A call without a completion cap. */
  public ChatCall(
      String model,
      List<ChatMessage> messages,
      List<ToolSpec> tools,
      Double temperature,
      String idempotencyKey) {
    this(model, messages, tools, temperature, idempotencyKey, null);
  }

  public ChatCall {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    tools = tools == null ? List.of() : List.copyOf(tools);
  }
}
