package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunResult;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison behind {@code tally ledger}: rebuilt entries against the run's own figures. */
class LedgerCheckTest {
  private static final Spend TURN =
      new Spend(0, 100, 20, new BigDecimal("0.0001"), 0, true, UsdSource.BILLED);
  private static final Spend WORK =
      new Spend(1, 30, 60, new BigDecimal("0.0002"), 0, true, UsdSource.BILLED);

  private static final List<LedgerEntry> ENTRIES =
      List.of(
          new LedgerEntry.Metered("r", TURN, "m", 0, 1),
          new LedgerEntry.Spawned("r:s1", "r", "w1", "chat", Budget.of(1, 8000), 1),
          new LedgerEntry.Settled("r:s1", "done", null, null, WORK, null, null, null, 1));

  private static RunResult result(Spend total) {
    return new RunResult("WINNER", "x", null, "r:s1", null, null, null, null, 0, total, null);
  }

  @Test
  void of_sameEntriesAndTotals_ok() {
    LedgerView query = new LedgerView("r", ENTRIES, LedgerTotals.of(ENTRIES));

    LedgerCheck check =
        LedgerCheck.of(ENTRIES, TemporalSession.Answer.of(query), result(TURN.plus(WORK)));

    assertThat(check.ok()).as(check.summary()).isTrue();
    assertThat(check.summary())
        .contains("3 entries")
        .contains("equal to the ledger query and the run's spentTotal");
  }

  @Test
  void of_queryMissesAnEntry_mismatchNamesCounts() {
    LedgerView query =
        new LedgerView("r", ENTRIES.subList(0, 2), LedgerTotals.of(ENTRIES.subList(0, 2)));

    LedgerCheck check = LedgerCheck.of(ENTRIES, TemporalSession.Answer.of(query), null);

    assertThat(check.ok()).isFalse();
    assertThat(check.mismatches())
        .anyMatch(m -> m.contains("history has 3 entries, the ledger query 2"));
  }

  @Test
  void of_entryDiffers_mismatchShowsBoth() {
    List<LedgerEntry> other =
        List.of(
            ENTRIES.get(0),
            ENTRIES.get(1),
            new LedgerEntry.Settled("r:s1", "down", null, null, WORK, "boom", true, null, 1));
    LedgerView query = new LedgerView("r", other, LedgerTotals.of(other));

    LedgerCheck check = LedgerCheck.of(ENTRIES, TemporalSession.Answer.of(query), null);

    assertThat(check.mismatches()).anyMatch(m -> m.startsWith("entry #3 differs"));
  }

  @Test
  void of_resultTotalDiffers_mismatch() {
    LedgerCheck check =
        LedgerCheck.of(ENTRIES, TemporalSession.Answer.none("no worker"), result(TURN));

    assertThat(check.ok()).isFalse();
    assertThat(check.mismatches()).singleElement().asString().contains("the run's result says");
  }

  @Test
  void of_noQueryAnswer_saysWhatWasNotCompared() {
    LedgerCheck check =
        LedgerCheck.of(ENTRIES, TemporalSession.Answer.none("no worker answered"), null);

    assertThat(check.ok()).isTrue();
    assertThat(check.summary()).contains("not compared").contains("no worker answered");
  }
}
