package dev.tally.router;

import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * Admission of one router call against what its node can still pay for, before anything is sent:
 * the completion cap ({@code max_tokens}) is what is left after the estimated input, and a call
 * whose input alone does not fit is refused as {@link Failures#CALL_NOT_ADMITTED}.
 */
final class CallAdmission {
  private static final BigDecimal PER_MILLION = BigDecimal.valueOf(1_000_000);

  private CallAdmission() {}

  /**
   * The {@code max_tokens} for this call, or null when the request carries no allowance (a workflow
   * from before call admission).
   *
   * @param price the model's catalog price, if the catalog lists it (bounds dollars)
   * @throws ApplicationFailure {@code CallNotAdmitted}, non-retryable, when the call cannot fit
   */
  static Long maxTokens(
      ChatTurnRequest request,
      List<ChatMessage> conversation,
      List<ToolSpec> tools,
      Optional<PriceCatalog.ModelPrice> price) {
    return maxTokens(
        request, InputEstimate.messageBytes(conversation), conversation.size(), tools, price);
  }

  /**
   * {@link #maxTokens(ChatTurnRequest, List, List, Optional)} for a conversation of {@code count}
   * messages whose {@link InputEstimate#messageBytes} are already known.
   */
  static Long maxTokens(
      ChatTurnRequest request,
      long messageBytes,
      int count,
      List<ToolSpec> tools,
      Optional<PriceCatalog.ModelPrice> price) {
    if (request.tokenAllowance() == null) {
      return null;
    }
    long input = InputEstimate.tokens(messageBytes, count, tools);
    long allowance = request.tokenAllowance();
    long room = allowance - input;
    String where = "node " + request.nodeId() + " turn " + request.turn();
    if (room < InputEstimate.MIN_OUTPUT_TOKENS) {
      throw refused(
          where
              + ": the input is estimated at "
              + input
              + " tokens and the node can pay for "
              + Math.max(0, allowance)
              + " (input plus at least "
              + InputEstimate.MIN_OUTPUT_TOKENS
              + " output); the call was not sent");
    }
    BigDecimal usd = request.usdAllowance();
    if (usd != null) {
      if (usd.signum() <= 0) {
        throw refused(where + ": no dollars left (" + usd.toPlainString() + "); not sent");
      }
      if (price.isPresent()) {
        room = Math.min(room, usdRoom(where, usd, input, price.get()));
      }
    }
    return room;
  }

  /** Output tokens the dollars left can pay for after the estimated input. */
  private static long usdRoom(
      String where, BigDecimal usd, long input, PriceCatalog.ModelPrice price) {
    BigDecimal microLeft =
        usd.multiply(PER_MILLION).subtract(price.input().multiply(BigDecimal.valueOf(input)));
    if (price.output().signum() == 0) {
      return microLeft.signum() > 0 ? Long.MAX_VALUE : 0;
    }
    BigDecimal out = microLeft.divide(price.output(), 0, RoundingMode.FLOOR);
    if (out.compareTo(BigDecimal.valueOf(InputEstimate.MIN_OUTPUT_TOKENS)) < 0) {
      throw refused(
          where
              + ": $"
              + usd.toPlainString()
              + " left cannot pay for the estimated "
              + input
              + " input tokens and one output token at the catalog price; the call was not sent");
    }
    return out.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  private static ApplicationFailure refused(String message) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.CALL_NOT_ADMITTED)
        .setMessage("call not admitted: " + message)
        .setNonRetryable(true)
        .build();
  }
}
