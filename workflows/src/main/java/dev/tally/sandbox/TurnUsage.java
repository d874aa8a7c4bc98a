package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;

/**
 * A sandbox turn's usage receipt, as the harness reported it.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param costUsd what the turn cost, or null when the harness did not say
 * @param model the model the harness used, if it said
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnUsage(long inputTokens, long outputTokens, BigDecimal costUsd, String model) {

  /**
   * What a turn cost: one iteration, the reported tokens, and the reported dollars as billed; no
   * receipt at all means a floor of zero with both honesty flags down, never free.
   */
  public static Spend spendOf(TurnUsage usage) {
    if (usage == null) {
      return Spend.unknown(1);
    }
    boolean priced = usage.costUsd() != null;
    return new Spend(
        1,
        usage.inputTokens(),
        usage.outputTokens(),
        priced ? usage.costUsd() : BigDecimal.ZERO,
        0,
        true,
        priced ? UsdSource.BILLED : UsdSource.UNKNOWN);
  }
}
