package dev.tally.ledger;

import java.util.List;

/**
 * What a ledger read stands for without itemising it. A run that continued-as-new begins its
 * history with a {@code carried} entry holding the totals of every run before it; read alone, that
 * entry is the only trace of the earlier spend, so summaries count its totals as one lump. Read
 * with the whole chain, the entries before it already itemise that spend, so it counts for nothing
 * more. Summaries that attribute spend (by model, by profile, per turn) skip every {@code carried}
 * entry and add {@link #totals} once.
 */
public final class EarlierRuns {
  private EarlierRuns() {}

  /**
   * The totals of the runs before the first one read: the leading {@code carried} entry's, or zero
   * when the read begins at the chain's first run.
   */
  public static LedgerTotals totals(List<LedgerEntry> entries) {
    if (!entries.isEmpty() && entries.get(0) instanceof LedgerEntry.Carried c) {
      return c.totals();
    }
    return new LedgerTotals(Spend.ZERO, Spend.ZERO, Spend.ZERO);
  }

  /** Whether the read begins in the middle of a chain, so earlier runs are summed, not itemised. */
  public static boolean any(List<LedgerEntry> entries) {
    return !entries.isEmpty() && entries.get(0) instanceof LedgerEntry.Carried;
  }
}
