package dev.tally.router.scripted;

import java.math.BigDecimal;

/**
 * One call the scripted router answered and billed, as it reported it to the caller.
 *
 * @param idempotencyKey the caller's {@code Idempotency-Key}, or null if it sent none
 * @param role {@code driver} (the request offered tools) or {@code worker}
 * @param model the model it named in the answer
 * @param promptTokens {@code usage.prompt_tokens} as reported
 * @param completionTokens {@code usage.completion_tokens} as reported
 * @param costUsd {@code usage.cost} as reported
 */
public record BilledCall(
    String idempotencyKey,
    String role,
    String model,
    long promptTokens,
    long completionTokens,
    BigDecimal costUsd) {}
