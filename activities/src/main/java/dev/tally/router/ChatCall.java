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
 */
public record ChatCall(
    String model,
    List<ChatMessage> messages,
    List<ToolSpec> tools,
    Double temperature,
    String idempotencyKey) {

  public ChatCall {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    tools = tools == null ? List.of() : List.copyOf(tools);
  }
}
