package dev.tally.cli;

import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How the CLI prints dollars and tokens. Dollars always carry their source; an unknown price is a
 * floor, printed {@code ≥ $x (unknown)}, never as {@code $0}.
 */
final class Money {
  private Money() {}

  /** {@code $0.0123 (catalog)}, {@code $0.50 (billed)}, {@code ≥ $0.0012 (unknown)}. */
  static String usd(Spend s) {
    if (s == null) {
      return "-";
    }
    String amount = usd(s.usd());
    return s.usdSource() == UsdSource.UNKNOWN
        ? "≥ " + amount + " (unknown)"
        : amount + " (" + s.usdSource().name().toLowerCase(Locale.ROOT) + ")";
  }

  /** {@code $0.50}: at least two decimals, at most six, trailing zeros dropped beyond two. */
  static String usd(BigDecimal amount) {
    if (amount == null) {
      return "uncapped";
    }
    BigDecimal v = amount.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    if (v.scale() < 2) {
      v = v.setScale(2, RoundingMode.UNNECESSARY);
    }
    return (v.signum() < 0 ? "-$" : "$") + v.abs().toPlainString();
  }

  /** {@code 12,345}, or {@code ≥ 12,345} when some work had no usage receipt. */
  static String tokens(Spend s) {
    if (s == null) {
      return "-";
    }
    return (s.tokensKnown() ? "" : "≥ ") + count(s.tokens());
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
