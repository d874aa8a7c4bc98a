package dev.tally.router.scripted;

import java.math.BigDecimal;
import java.util.List;

/**
 * Sums over the calls a scripted router billed.
 *
 * @param calls how many calls were billed (a replayed idempotent call is not billed again)
 * @param promptTokens total prompt tokens
 * @param completionTokens total completion tokens
 * @param costUsd total dollars, exact
 */
public record BilledTotals(
    int calls, long promptTokens, long completionTokens, BigDecimal costUsd) {
  /** The sums over {@code billed}. */
  public static BilledTotals of(List<BilledCall> billed) {
    long in = 0;
    long out = 0;
    BigDecimal usd = BigDecimal.ZERO;
    for (BilledCall c : billed) {
      in += c.promptTokens();
      out += c.completionTokens();
      usd = usd.add(c.costUsd());
    }
    return new BilledTotals(billed.size(), in, out, usd);
  }

  /** Prompt plus completion tokens. */
  public long tokens() {
    return promptTokens + completionTokens;
  }
}
