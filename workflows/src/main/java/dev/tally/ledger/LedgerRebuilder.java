package dev.tally.ledger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Rebuilds a run's ledger from its Temporal history alone, without running any of Tally's workflow
 * code: the history JSON of {@code temporal workflow show -o json}, the Temporal UI's download, or
 * {@code WorkflowExecutionHistory.toJson}. The entries are read by {@link MeterEntries}, the one
 * reader every rebuild, export and summary shares.
 */
public final class LedgerRebuilder {
  /** The activity type whose inputs are the ledger. */
  public static final String METER_TYPE = MeterEntries.METER_TYPE;

  private LedgerRebuilder() {}

  /**
   * The ledger entries of one run's history, in history order. A run that continued-as-new from
   * another begins with a {@code carried} entry, so {@link LedgerTotals#of} of these entries is
   * still the whole workflow's totals.
   */
  public static List<LedgerEntry> fromHistoryJson(String historyJson) {
    return MeterEntries.of(historyJson);
  }

  /**
   * The ledger of a continue-as-new chain: the histories of its runs, first run first. Every entry
   * appears once, in order, the {@code carried} entry at the head of each continued run included;
   * their totals equal the last run's.
   */
  public static List<LedgerEntry> fromChain(List<String> historyJsons) {
    Set<String> seen = new LinkedHashSet<>();
    List<LedgerEntry> out = new ArrayList<>();
    for (String history : historyJsons) {
      out.addAll(MeterEntries.of(MeterEntries.events(history), seen));
    }
    return out;
  }
}
