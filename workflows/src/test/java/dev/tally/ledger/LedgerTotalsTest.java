package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Generated cases: 1,000 random ledgers. */
class LedgerTotalsTest {

  @Property(tries = 1_000)
  void of_anyEntries_driverInferencePlusChildWorkIsTheTotalOnEveryChannel(
      @ForAll("ledgers") List<LedgerEntry> entries) {
    LedgerTotals totals = LedgerTotals.of(entries);

    Spend d = totals.driverInference();
    Spend c = totals.childWork();
    Spend t = totals.spentTotal();
    assertThat(d.iterations() + c.iterations()).isEqualTo(t.iterations());
    assertThat(d.inputTokens() + c.inputTokens()).isEqualTo(t.inputTokens());
    assertThat(d.outputTokens() + c.outputTokens()).isEqualTo(t.outputTokens());
    assertThat(d.usd().add(c.usd())).isEqualByComparingTo(t.usd());
    assertThat(d.ms() + c.ms()).isEqualTo(t.ms());
    assertThat(t.tokensKnown()).isEqualTo(d.tokensKnown() && c.tokensKnown());
    assertThat(t.usdKnown()).isEqualTo(d.usdKnown() && c.usdKnown());

    // And each part is the plain sum over its own kinds of entry.
    assertThat(d.tokens()).isEqualTo(sumTokens(entries, true));
    assertThat(c.tokens()).isEqualTo(sumTokens(entries, false));
    boolean anyUnknownUsd =
        entries.stream().map(LedgerTotalsTest::spendOf).anyMatch(s -> s != null && !s.usdKnown());
    assertThat(t.usdKnown()).isEqualTo(!anyUnknownUsd);
  }

  @Test
  void of_noEntries_isZeroAndKnown() {
    LedgerTotals totals = LedgerTotals.of(List.of());

    assertThat(totals.spentTotal().sameAs(Spend.ZERO)).isTrue();
    assertThat(totals.driverInference().sameAs(Spend.ZERO)).isTrue();
    assertThat(totals.childWork().sameAs(Spend.ZERO)).isTrue();
  }

  @Test
  void of_spawnedOnly_costsNothing() {
    LedgerTotals totals =
        LedgerTotals.of(
            List.of(new LedgerEntry.Spawned("root:s1", "root", "a", "chat", Budget.of(5, 500), 1)));

    assertThat(totals.spentTotal().sameAs(Spend.ZERO)).isTrue();
  }

  private static Spend spendOf(LedgerEntry e) {
    if (e instanceof LedgerEntry.Metered m) {
      return m.spend();
    }
    if (e instanceof LedgerEntry.Settled s) {
      return s.spent();
    }
    if (e instanceof LedgerEntry.Cancelled c) {
      return c.spent();
    }
    return null;
  }

  private static long sumTokens(List<LedgerEntry> entries, boolean driver) {
    long sum = 0;
    for (LedgerEntry e : entries) {
      Spend s = spendOf(e);
      if (s != null && (e instanceof LedgerEntry.Metered) == driver) {
        sum += s.inputTokens() + s.outputTokens();
      }
    }
    return sum;
  }

  @Provide
  Arbitrary<List<LedgerEntry>> ledgers() {
    Arbitrary<Spend> spends =
        Combinators.combine(
                Arbitraries.longs().between(0, 3),
                Arbitraries.longs().between(0, 5_000),
                Arbitraries.longs().between(0, 5_000),
                Arbitraries.longs().between(0, 100_000).map(micro -> BigDecimal.valueOf(micro, 6)),
                Arbitraries.longs().between(0, 10_000),
                Arbitraries.of(true, false),
                Arbitraries.of(UsdSource.class))
            .as(Spend::new);
    Arbitrary<LedgerEntry> entry =
        Combinators.combine(Arbitraries.integers().between(0, 3), spends)
            .as(
                (kind, spend) ->
                    switch (kind) {
                      case 0 -> new LedgerEntry.Metered("root", spend, "m", 0, 1);
                      case 1 ->
                          new LedgerEntry.Settled(
                              "root:s1", "done", null, null, spend, null, null, null, 1);
                      case 2 -> new LedgerEntry.Cancelled("root:s1", "stop", spend, 1);
                      default ->
                          new LedgerEntry.Spawned(
                              "root:s1", "root", "a", "chat", Budget.of(1, 1), 1);
                    });
    return entry.list().ofMaxSize(30);
  }
}
