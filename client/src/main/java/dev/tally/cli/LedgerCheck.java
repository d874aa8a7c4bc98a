package dev.tally.cli;

import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger rebuilt from history, checked against what the run itself says: the {@code ledger}
 * query (entry by entry) and, once it has ended, the result's {@code spentTotal}.
 *
 * @param entries the rebuilt entries, in history order
 * @param totals their totals
 * @param mismatches every disagreement found, empty when everything matches
 * @param queryChecked whether a worker answered the {@code ledger} query
 * @param resultChecked whether a result was there to compare
 * @param notChecked why something could not be compared, or null
 * @param unmatched work the history shows without ledger entries (so the totals are a floor of
 *     unknown cost), or null when every billed call and spawn is on the ledger
 * @param runs how many runs of a continue-as-new chain the entries were read from (1 for a run that
 *     never continued)
 */
record LedgerCheck(
    List<LedgerEntry> entries,
    LedgerTotals totals,
    List<String> mismatches,
    boolean queryChecked,
    boolean resultChecked,
    String notChecked,
    String unmatched,
    int runs) {

  /** The same check, knowing what the history shows without ledger entries (null for nothing). */
  LedgerCheck withUnmatched(String what) {
    return new LedgerCheck(
        entries, totals, mismatches, queryChecked, resultChecked, notChecked, what, runs);
  }

  /** The same check, read from a chain of {@code n} runs. */
  LedgerCheck withRuns(int n) {
    return new LedgerCheck(
        entries, totals, mismatches, queryChecked, resultChecked, notChecked, unmatched, n);
  }

  static LedgerCheck of(
      List<LedgerEntry> rebuilt, TemporalSession.Answer<LedgerView> query, RunResult result) {
    LedgerTotals totals = LedgerTotals.of(rebuilt);
    List<String> mismatches = new ArrayList<>();
    if (query.answered()) {
      compareEntries(rebuilt, query.value().entries(), mismatches);
      LedgerTotals q = query.value().totals();
      if (q != null) {
        compareSpend(
            "spentTotal", totals.spentTotal(), q.spentTotal(), "the ledger query", mismatches);
        compareSpend(
            "driverInference",
            totals.driverInference(),
            q.driverInference(),
            "the ledger query",
            mismatches);
        compareSpend(
            "childWork", totals.childWork(), q.childWork(), "the ledger query", mismatches);
      }
    }
    boolean resultChecked = result != null && result.spentTotal() != null;
    if (resultChecked) {
      compareSpend(
          "spentTotal", totals.spentTotal(), result.spentTotal(), "the run's result", mismatches);
    }
    return new LedgerCheck(
        rebuilt,
        totals,
        List.copyOf(mismatches),
        query.answered(),
        resultChecked,
        query.answered() ? null : query.unavailable(),
        null,
        1);
  }

  boolean ok() {
    return mismatches.isEmpty();
  }

  /** One line saying what was compared and whether it matched. */
  String summary() {
    List<String> against = new ArrayList<>();
    if (queryChecked) {
      against.add("the ledger query");
    }
    if (resultChecked) {
      against.add("the run's spentTotal");
    }
    String base =
        "rebuilt from history alone: "
            + entries.size()
            + " entries"
            + (runs > 1 ? " across " + runs + " runs (continued-as-new)" : "");
    if (!ok()) {
      return base + "; MISMATCH: " + String.join("; ", mismatches);
    }
    String checked =
        against.isEmpty() ? "; not compared" : "; equal to " + String.join(" and ", against);
    return base + checked + (notChecked == null ? "" : " (" + notChecked + ")");
  }

  private static void compareEntries(
      List<LedgerEntry> chain, List<LedgerEntry> queried, List<String> mismatches) {
    if (queried == null) {
      mismatches.add("the ledger query returned no entries list");
      return;
    }
    // A run that continued-as-new only holds its own entries, from its carried entry on: compare
    // them with the same run's part of the chain.
    List<LedgerEntry> rebuilt = chain;
    if (!queried.isEmpty() && queried.get(0) instanceof LedgerEntry.Carried) {
      rebuilt = chain.subList(lastCarried(chain), chain.size());
    }
    if (rebuilt.size() != queried.size()) {
      mismatches.add(
          "history has " + rebuilt.size() + " entries, the ledger query " + queried.size());
    }
    int n = Math.min(rebuilt.size(), queried.size());
    for (int i = 0; i < n; i++) {
      String a = Json.canonical(rebuilt.get(i));
      String b = Json.canonical(queried.get(i));
      if (!a.equals(b)) {
        mismatches.add("entry #" + (i + 1) + " differs: history " + a + ", ledger query " + b);
        return;
      }
    }
  }

  private static int lastCarried(List<LedgerEntry> entries) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i) instanceof LedgerEntry.Carried) {
        return i;
      }
    }
    return 0;
  }

  private static void compareSpend(
      String what, Spend rebuilt, Spend other, String source, List<String> mismatches) {
    if (other == null || !rebuilt.sameAs(other)) {
      mismatches.add(
          what
              + " from history "
              + RunView.spendLine(rebuilt)
              + " but "
              + source
              + " says "
              + RunView.spendLine(other));
    }
  }
}
