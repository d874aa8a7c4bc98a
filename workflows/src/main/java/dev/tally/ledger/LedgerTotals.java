package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Sums over ledger entries: {@code metered} spend is driver inference, {@code settled} and {@code
 * cancelled} spend is child work, and the two add up to the total on every channel. A {@code
 * carried} entry holds the totals of everything before it, so the sum starts from the last one: the
 * entries of one continued run alone and those of the whole chain give the same totals.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LedgerTotals(Spend spentTotal, Spend driverInference, Spend childWork) {

  public static LedgerTotals of(List<LedgerEntry> entries) {
    Spend driver = Spend.ZERO;
    Spend children = Spend.ZERO;
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Carried c) {
        driver = c.totals().driverInference();
        children = c.totals().childWork();
      } else if (e instanceof LedgerEntry.Metered m) {
        driver = driver.plus(m.spend());
      } else if (e instanceof LedgerEntry.Settled s) {
        children = children.plus(s.spent());
      } else if (e instanceof LedgerEntry.Cancelled c) {
        children = children.plus(c.spent());
      }
    }
    return new LedgerTotals(driver.plus(children), driver, children);
  }
}
