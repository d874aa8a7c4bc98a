package dev.tally.router;

import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;

/**
 * The dollars of one model call and where they came from.
 *
 * @param usd exact dollars, or null when unknown
 * @param source {@code BILLED}, {@code CATALOG}, or {@code UNKNOWN} exactly when {@code usd} is
 *     null
 */
public record TurnCost(BigDecimal usd, UsdSource source) {
  public static final TurnCost UNKNOWN = new TurnCost(null, UsdSource.UNKNOWN);

  public TurnCost {
    if ((usd == null) != (source == UsdSource.UNKNOWN)) {
      throw new IllegalArgumentException(
          "TurnCost: usd must be null exactly when source is UNKNOWN, got usd="
              + usd
              + " source="
              + source);
    }
  }
}
