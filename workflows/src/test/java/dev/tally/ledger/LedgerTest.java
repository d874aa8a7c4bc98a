package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final Spend SOME =
      new Spend(1, 10, 5, new BigDecimal("0.01"), 0, true, UsdSource.BILLED);

  @Test
  void spawned_severalSpawns_numberedOneToN() {
    Ledger ledger = new Ledger("run-1");

    assertThat(ledger.nextSpawnOrdinal()).isEqualTo(1);
    LedgerEntry.Spawned a = ledger.spawned("root:s1", "root", "a", "chat", Budget.of(1, 10));
    LedgerEntry.Spawned b = ledger.spawned("root:s2", "root", "b", "chat", Budget.of(1, 10));
    LedgerEntry.Spawned c = ledger.spawned("root:s3", "root", "c", "driver", Budget.of(1, 10));

    assertThat(List.of(a.seq(), b.seq(), c.seq())).containsExactly(1L, 2L, 3L);
    assertThat(ledger.nextSpawnOrdinal()).isEqualTo(4);
  }

  @Test
  void settledAndCancelled_interleaved_shareOneCursor() {
    Ledger ledger = new Ledger("run-1");

    LedgerEntry.Settled first =
        ledger.settled("root:s1", "done", null, null, SOME, null, null, null);
    LedgerEntry.Cancelled second = ledger.cancelled("root:s2", "stop", SOME);
    LedgerEntry.Settled third =
        ledger.settled("root:s3", "down", null, null, SOME, "boom", true, null);

    assertThat(List.of(first.seq(), second.seq(), third.seq())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void metered_amongOtherKinds_keepsItsOwnCounter() {
    Ledger ledger = new Ledger("run-1");

    LedgerEntry.Metered m1 = ledger.metered("root", SOME, "model-a", 0);
    ledger.spawned("root:s1", "root", "a", "chat", Budget.of(1, 10));
    ledger.settled("root:s1", "done", null, null, SOME, null, null, null);
    LedgerEntry.Metered m2 = ledger.metered("root", SOME, "model-a", 1);
    LedgerEntry.Spawned s2 = ledger.spawned("root:s2", "root", "b", "chat", Budget.of(1, 10));

    assertThat(List.of(m1.seq(), m2.seq())).containsExactly(1L, 2L);
    assertThat(s2.seq()).isEqualTo(2);
  }

  @Test
  void key_mixedEntries_runKindSeqAndUnique() {
    Ledger ledger = new Ledger("run-7");
    ledger.spawned("root:s1", "root", "a", "chat", Budget.of(1, 10));
    ledger.metered("root", SOME, "m", 0);
    ledger.settled("root:s1", "done", null, null, SOME, null, null, null);
    ledger.spawned("root:s2", "root", "b", "chat", Budget.of(1, 10));
    ledger.cancelled("root:s2", "stop", SOME);
    ledger.metered("root", SOME, "m", 1);

    List<String> keys = ledger.entries().stream().map(e -> e.key(ledger.runId())).toList();

    assertThat(keys)
        .containsExactly(
            "run-7/spawned/1",
            "run-7/metered/1",
            "run-7/settled/1",
            "run-7/spawned/2",
            "run-7/cancelled/2",
            "run-7/metered/2")
        .doesNotHaveDuplicates();
  }

  @Test
  void takeUnwritten_afterRecording_returnsNewEntriesOnceInOrder() {
    Ledger ledger = new Ledger("run-1");
    LedgerEntry a = ledger.spawned("root:s1", "root", "a", "chat", Budget.of(1, 10));
    LedgerEntry b = ledger.metered("root", SOME, "m", 0);

    assertThat(ledger.hasUnwritten()).isTrue();
    assertThat(ledger.takeUnwritten()).containsExactly(a, b);
    assertThat(ledger.hasUnwritten()).isFalse();
    assertThat(ledger.takeUnwritten()).isEmpty();

    LedgerEntry c = ledger.cancelled("root:s1", "stop", SOME);
    assertThat(ledger.takeUnwritten()).containsExactly(c);
    assertThat(ledger.entries()).containsExactly(a, b, c);
  }

  @Test
  void entries_returnedList_cannotChangeTheLedger() {
    Ledger ledger = new Ledger("run-1");
    ledger.metered("root", SOME, "m", 0);

    List<LedgerEntry> view = ledger.entries();

    assertThatThrownBy(view::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThat(ledger.entries()).hasSize(1);
  }

  @Test
  void totals_mixedEntries_splitDriverInferenceFromChildWork() {
    Ledger ledger = new Ledger("run-1");
    Spend turn = new Spend(0, 100, 50, new BigDecimal("0.02"), 0, true, UsdSource.BILLED);
    Spend child = new Spend(2, 300, 100, new BigDecimal("0.10"), 0, true, UsdSource.CATALOG);
    ledger.metered("root", turn, "m", 0);
    ledger.spawned("root:s1", "root", "a", "chat", Budget.of(2, 1_000));
    ledger.settled("root:s1", "done", "sha256:00", null, child, null, null, null);
    ledger.cancelled("root:s2", "stop", Spend.unknown(1));

    LedgerTotals totals = ledger.totals();

    assertThat(totals.driverInference().sameAs(turn)).isTrue();
    assertThat(totals.childWork().tokens()).isEqualTo(400);
    assertThat(totals.childWork().iterations()).isEqualTo(3);
    assertThat(totals.childWork().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(totals.spentTotal().tokens()).isEqualTo(550);
    assertThat(totals.spentTotal().usd()).isEqualByComparingTo("0.12");
    assertThat(totals.spentTotal().tokensKnown()).isFalse();
  }
}
