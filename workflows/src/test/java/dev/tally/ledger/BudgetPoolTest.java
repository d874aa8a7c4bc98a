package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BudgetPoolTest {
  private static final long STARTED_AT_MS = 1_700_000_000_000L;

  private static BigDecimal usd(String value) {
    return new BigDecimal(value);
  }

  private static Spend billed(long iterations, long in, long out, String dollars) {
    return new Spend(iterations, in, out, usd(dollars), 0, true, UsdSource.BILLED);
  }

  private static Ticket admitted(Admission admission) {
    assertThat(admission).isInstanceOf(Admission.Admitted.class);
    return ((Admission.Admitted) admission).ticket();
  }

  private static Admission.Refused refused(Admission admission) {
    assertThat(admission).isInstanceOf(Admission.Refused.class);
    return (Admission.Refused) admission;
  }

  @Test
  void reserve_wholeCeilingFits_holdsEveryChannelAtOnce() {
    BudgetPool pool = new BudgetPool(Budget.of(10, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);

    Ticket t = admitted(pool.reserve(Budget.of(3, 400).withMaxUsd(usd("0.25"))));

    assertThat(t).isEqualTo(new Ticket(0, 400, 3, usd("0.25"), true));
    PoolState s = pool.snapshot();
    assertThat(s.freeTokens()).isEqualTo(600);
    assertThat(s.reservedTokens()).isEqualTo(400);
    assertThat(s.freeIterations()).isEqualTo(7);
    assertThat(s.reservedIterations()).isEqualTo(3);
    assertThat(s.freeUsd()).isEqualByComparingTo("0.75");
    assertThat(s.reservedUsd()).isEqualByComparingTo("0.25");
    PoolReadout r = pool.readout();
    assertThat(r.tokensLeft()).isEqualTo(600);
    assertThat(r.iterationsLeft()).isEqualTo(7);
    assertThat(r.usdLeft()).isEqualByComparingTo("0.75");
    assertThat(r.reservedTokens()).isEqualTo(400);
    assertThat(r.openReservations()).isEqualTo(1);
    assertThat(pool.conserved()).isTrue();
  }

  @Test
  void reserve_oneChannelShort_reservesNothingOnTheOthers() {
    BudgetPool pool = new BudgetPool(Budget.of(10, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    PoolState before = pool.snapshot();

    Admission.Refused refusal = refused(pool.reserve(Budget.of(3, 1_001).withMaxUsd(usd("0.25"))));

    assertThat(refusal.reason()).isEqualTo(Admission.BUDGET_EXHAUSTED);
    assertThat(refusal.shortfalls()).extracting(Shortfall::channel).containsExactly("tokens");
    assertThat(pool.snapshot()).isEqualTo(before);
    assertThat(pool.openTickets()).isEmpty();
  }

  @Test
  void reserve_everyChannelShort_refusalListsEachWithClampedFreeAndHeld() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    admitted(pool.reserve(Budget.of(3, 600).withMaxUsd(usd("0.60"))));
    // The driver's own inference overdraws tokens and dollars: free goes negative on both.
    pool.observe(billed(0, 300, 200, "0.50"));
    assertThat(pool.readout().tokensLeft()).isEqualTo(-100);
    PoolState before = pool.snapshot();

    Admission.Refused refusal = refused(pool.reserve(Budget.of(4, 10).withMaxUsd(usd("0.01"))));

    assertThat(refusal.reason()).isEqualTo(Admission.BUDGET_EXHAUSTED);
    assertThat(refusal.shortfalls()).hasSize(3);
    Shortfall tokens = refusal.shortfalls().get(0);
    assertThat(tokens.channel()).isEqualTo("tokens");
    assertThat(tokens.requested()).isEqualByComparingTo("10");
    assertThat(tokens.free()).as("free tokens clamped at zero").isEqualByComparingTo("0");
    assertThat(tokens.held()).isEqualByComparingTo("600");
    Shortfall iterations = refusal.shortfalls().get(1);
    assertThat(iterations.channel()).isEqualTo("iterations");
    assertThat(iterations.requested()).isEqualByComparingTo("4");
    assertThat(iterations.free()).isEqualByComparingTo("2");
    assertThat(iterations.held()).isEqualByComparingTo("3");
    Shortfall dollars = refusal.shortfalls().get(2);
    assertThat(dollars.channel()).isEqualTo("usd");
    assertThat(dollars.requested()).isEqualByComparingTo("0.01");
    assertThat(dollars.free()).as("free dollars clamped at zero").isEqualByComparingTo("0");
    assertThat(dollars.held()).isEqualByComparingTo("0.60");
    assertThat(dollars.closedByUnknownSpend()).isFalse();
    assertThat(pool.snapshot()).isEqualTo(before);
  }

  @Test
  void reserve_dollarsFromUncappedPool_refusedAsUsdUnbudgeted() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000), STARTED_AT_MS);
    PoolState before = pool.snapshot();

    Admission.Refused refusal = refused(pool.reserve(Budget.of(1, 100).withMaxUsd(usd("0.10"))));

    assertThat(refusal.reason()).isEqualTo(Admission.USD_UNBUDGETED);
    assertThat(refusal.shortfalls()).isEmpty();
    assertThat(pool.snapshot()).isEqualTo(before);
  }

  @Test
  void reserve_dollarsFromUncappedPoolWithTokensShortToo_listsTheShortTokens() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000), STARTED_AT_MS);

    Admission.Refused refusal = refused(pool.reserve(Budget.of(1, 2_000).withMaxUsd(usd("0.10"))));

    assertThat(refusal.reason()).isEqualTo(Admission.USD_UNBUDGETED);
    assertThat(refusal.shortfalls()).extracting(Shortfall::channel).containsExactly("tokens");
  }

  @Test
  void reserve_childWithoutMaxUsdUnderCappedRoot_reservesNoDollarsAndPaysAtSettlement() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);

    Ticket t = admitted(pool.reserve(Budget.of(1, 100)));

    assertThat(t.usd()).isEqualByComparingTo("0");
    assertThat(t.usdBudgeted()).isFalse();
    assertThat(pool.readout().usdLeft()).isEqualByComparingTo("1.00");
    Settlement s =
        pool.reconcile(t.id(), new Spend(1, 60, 20, usd("0.30"), 0, true, UsdSource.CATALOG));
    assertThat(s.violation()).as("an uncapped child cannot overspend dollars").isNull();
    assertThat(s.failedClosed()).isFalse();
    assertThat(pool.readout().usdLeft()).isEqualByComparingTo("0.70");
    assertThat(pool.snapshot().committedUsd()).isEqualByComparingTo("0.30");
    assertThat(pool.conserved()).isTrue();
  }

  @Test
  void reconcile_overspend_settlesTrueSpendAndListsEveryChannelOver() {
    BudgetPool pool = new BudgetPool(Budget.of(4, 1_000).withMaxUsd(usd("0.50")), STARTED_AT_MS);
    Ticket a = admitted(pool.reserve(Budget.of(2, 300).withMaxUsd(usd("0.20"))));
    admitted(pool.reserve(Budget.of(2, 600).withMaxUsd(usd("0.30"))));

    Settlement s = pool.reconcile(a.id(), billed(3, 400, 300, "0.35"));

    assertThat(s.failedClosed()).isFalse();
    assertThat(s.violation()).isNotNull();
    assertThat(s.violation().overspent())
        .extracting(BudgetViolation.Overspend::channel)
        .containsExactly("tokens", "iterations", "usd");
    assertThat(s.violation().overspent().get(0).reserved()).isEqualByComparingTo("300");
    assertThat(s.violation().overspent().get(0).spent()).isEqualByComparingTo("700");
    assertThat(s.violation().overspent().get(1).reserved()).isEqualByComparingTo("2");
    assertThat(s.violation().overspent().get(1).spent()).isEqualByComparingTo("3");
    assertThat(s.violation().overspent().get(2).reserved()).isEqualByComparingTo("0.20");
    assertThat(s.violation().overspent().get(2).spent()).isEqualByComparingTo("0.35");
    PoolState st = pool.snapshot();
    assertThat(st.freeTokens()).isEqualTo(-300);
    assertThat(st.committedTokens()).isEqualTo(700);
    assertThat(st.freeIterations()).isEqualTo(-1);
    assertThat(st.freeUsd()).isEqualByComparingTo("-0.15");
    assertThat(st.freeTokens() + st.reservedTokens() + st.committedTokens()).isEqualTo(1_000);
    assertThat(st.freeIterations() + st.reservedIterations() + st.committedIterations())
        .isEqualTo(4);
    assertThat(st.freeUsd().add(st.reservedUsd()).add(st.committedUsd()))
        .isEqualByComparingTo("0.50");
    assertThat(pool.conserved()).isTrue();
  }

  @Test
  void reconcile_underspend_returnsTheRestToFree() {
    BudgetPool pool = new BudgetPool(Budget.of(4, 1_000).withMaxUsd(usd("0.50")), STARTED_AT_MS);
    Ticket t = admitted(pool.reserve(Budget.of(2, 300).withMaxUsd(usd("0.20"))));

    Settlement s = pool.reconcile(t.id(), billed(1, 50, 50, "0.05"));

    assertThat(s).isEqualTo(new Settlement(null, false));
    PoolReadout r = pool.readout();
    assertThat(r.tokensLeft()).isEqualTo(900);
    assertThat(r.iterationsLeft()).isEqualTo(3);
    assertThat(r.usdLeft()).isEqualByComparingTo("0.45");
    assertThat(r.reservedTokens()).isZero();
  }

  @Test
  void reconcile_twice_throwsNamingTheTicketAndChangesNothing() {
    BudgetPool pool = new BudgetPool(Budget.of(4, 1_000), STARTED_AT_MS);
    admitted(pool.reserve(Budget.of(1, 10)));
    Ticket t = admitted(pool.reserve(Budget.of(1, 100)));
    pool.reconcile(t.id(), billed(1, 10, 10, "0"));
    PoolState before = pool.snapshot();

    assertThatThrownBy(() -> pool.reconcile(t.id(), billed(1, 10, 10, "0")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ticket " + t.id())
        .hasMessageContaining("already-settled");
    assertThat(pool.snapshot()).isEqualTo(before);
  }

  @Test
  void reconcile_ticketNeverMinted_throwsNamingTheTicket() {
    BudgetPool pool = new BudgetPool(Budget.of(4, 1_000), STARTED_AT_MS);
    PoolState before = pool.snapshot();

    assertThatThrownBy(() -> pool.reconcile(42, Spend.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("ticket 42");
    assertThat(pool.snapshot()).isEqualTo(before);
  }

  @Test
  void reconcile_unknownDollarsUnderCap_failsClosedAndClosesDollarAdmission() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    Ticket t = admitted(pool.reserve(Budget.of(1, 100).withMaxUsd(usd("0.10"))));

    Settlement s = pool.reconcile(t.id(), new Spend(1, 40, 10, null, 0, true, UsdSource.UNKNOWN));

    assertThat(s.failedClosed()).isTrue();
    assertThat(pool.snapshot().reservedUsd()).isEqualByComparingTo("0");
    assertThat(pool.openTickets()).isEmpty();
    PoolReadout r = pool.readout();
    assertThat(r.usdLeft()).isEqualByComparingTo("0");
    assertThat(r.usdKnown()).isFalse();
    assertThat(r.tokensLeft()).isEqualTo(950);
    // Even a spawn asking for no dollars at all is refused now: its real dollars could not be
    // checked against the cap.
    Admission.Refused refusal = refused(pool.reserve(Budget.of(0, 0)));
    assertThat(refusal.reason()).isEqualTo(Admission.BUDGET_EXHAUSTED);
    assertThat(refusal.shortfalls()).hasSize(1);
    assertThat(refusal.shortfalls().get(0).channel()).isEqualTo("usd");
    assertThat(refusal.shortfalls().get(0).free()).isEqualByComparingTo("0");
    assertThat(refusal.shortfalls().get(0).closedByUnknownSpend()).isTrue();
    assertThat(pool.couldFund(Budget.of(0, 0))).isFalse();
  }

  @Test
  void reconcile_unknownDollarsWithoutCap_settlesAndMarksDollarsUnknown() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000), STARTED_AT_MS);
    Ticket t = admitted(pool.reserve(Budget.of(1, 100)));

    Settlement s = pool.reconcile(t.id(), Spend.unknown(1));

    assertThat(s.failedClosed()).isFalse();
    assertThat(pool.readout().usdKnown()).isFalse();
    assertThat(pool.readout().tokensKnown()).isFalse();
    assertThat(pool.reserve(Budget.of(1, 100))).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void observe_unknownDollarsUnderCap_throwsAndChangesNothing() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    PoolState before = pool.snapshot();

    assertThatThrownBy(
            () -> pool.observe(new Spend(0, 10, 10, usd("0"), 0, true, UsdSource.UNKNOWN)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown dollar cost");
    assertThat(pool.snapshot()).isEqualTo(before);
  }

  @Test
  void observe_driverTurn_debitsFreeStraightToCommitted() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);

    pool.observe(new Spend(0, 120, 30, usd("0.015"), 800, false, UsdSource.CATALOG));

    PoolState s = pool.snapshot();
    assertThat(s.freeTokens()).isEqualTo(850);
    assertThat(s.committedTokens()).isEqualTo(150);
    assertThat(s.reservedTokens()).isZero();
    assertThat(s.freeUsd()).isEqualByComparingTo("0.985");
    PoolReadout r = pool.readout();
    assertThat(r.tokensKnown()).isFalse();
    assertThat(r.usdKnown()).isTrue();
    assertThat(r.committed().usdSource()).isEqualTo(UsdSource.CATALOG);
    assertThat(pool.conserved()).isTrue();
  }

  @Test
  void readout_withDeadline_isRunStartPlusDeadlineAndSurvivesRestore() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withDeadlineMs(90_000L), STARTED_AT_MS);

    assertThat(pool.readout().deadlineAtMs()).isEqualTo(STARTED_AT_MS + 90_000L);
    admitted(pool.reserve(Budget.of(1, 10).withDeadlineMs(5_000L)));
    assertThat(BudgetPool.restore(pool.snapshot()).readout().deadlineAtMs())
        .as("the deadline never slides")
        .isEqualTo(STARTED_AT_MS + 90_000L);
  }

  @Test
  void readout_withoutDeadline_hasNoDeadline() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000), STARTED_AT_MS);

    assertThat(pool.readout().deadlineAtMs()).isNull();
    assertThat(pool.readout().usdLeft()).isNull();
    assertThat(pool.readout().usdCapped()).isFalse();
  }

  @Test
  void couldFund_fittingAndShortBudgets_answersWithoutReserving() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    admitted(pool.reserve(Budget.of(2, 500)));
    PoolState before = pool.snapshot();

    assertThat(pool.couldFund(Budget.of(3, 500))).isTrue();
    assertThat(pool.couldFund(Budget.of(3, 501))).isFalse();
    assertThat(pool.couldFund(Budget.of(1, 1).withMaxUsd(usd("1.01")))).isFalse();

    assertThat(pool.snapshot()).isEqualTo(before);
    assertThat(pool.reserve(Budget.of(3, 500))).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void restore_snapshot_continuesTicketNumberingAndSettlesOpenTickets() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    Ticket first = admitted(pool.reserve(Budget.of(1, 100).withMaxUsd(usd("0.10"))));
    admitted(pool.reserve(Budget.of(1, 100)));

    BudgetPool restored = BudgetPool.restore(pool.snapshot());

    assertThat(restored.snapshot()).isEqualTo(pool.snapshot());
    assertThat(admitted(restored.reserve(Budget.of(1, 1))).id()).isEqualTo(2);
    restored.reconcile(first.id(), billed(1, 10, 10, "0.01"));
    assertThat(restored.openTickets()).extracting(Ticket::id).containsExactly(1, 2);
  }

  @Test
  void reconcile_everyOpenTicket_leavesNothingReserved() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000).withMaxUsd(usd("1.00")), STARTED_AT_MS);
    Ticket a = admitted(pool.reserve(Budget.of(1, 100).withMaxUsd(usd("0.10"))));
    Ticket b = admitted(pool.reserve(Budget.of(2, 200)));

    pool.reconcile(b.id(), billed(2, 100, 50, "0.02"));
    pool.reconcile(a.id(), billed(1, 100, 0, "0.10"));

    assertThat(pool.openTickets()).isEmpty();
    PoolState s = pool.snapshot();
    assertThat(s.reservedTokens()).isZero();
    assertThat(s.reservedIterations()).isZero();
    assertThat(s.reservedUsd()).isEqualByComparingTo("0");
    assertThat(pool.readout().tokensLeft()).isEqualTo(750);
  }

  @Test
  void constructor_negativeIterations_rejectedNamingFieldExpectedAndActual() {
    assertThatThrownBy(() -> new BudgetPool(new Budget(-1L, 10L, null, null), STARTED_AT_MS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("root budget.maxIterations: expected an integer >= 0, got -1");
  }

  @Test
  void constructor_missingTokens_rejectedAsMissingNotZero() {
    assertThatThrownBy(() -> new BudgetPool(new Budget(1L, null, null, null), STARTED_AT_MS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "root budget.maxTokens: expected an integer >= 0, got nothing (the field is required)");
  }

  @Test
  void constructor_negativeDollarsAndDeadline_listsBothProblems() {
    Budget bad = new Budget(1L, 10L, usd("-0.50"), -5L);

    assertThatThrownBy(() -> new BudgetPool(bad, STARTED_AT_MS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("root budget.maxUsd: expected a finite number >= 0")
        .hasMessageContaining("got -0.50")
        .hasMessageContaining("root budget.deadlineMs: expected an integer >= 0 or absent, got -5");
  }

  @Test
  void constructor_negativeStartInstant_rejectedNamingTheField() {
    assertThatThrownBy(() -> new BudgetPool(Budget.of(1, 1), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("runStartedAtMs: expected an epoch instant >= 0, got -1");
  }

  @Test
  void reserve_invalidBudget_rejectedNamingTheFieldAndChangesNothing() {
    BudgetPool pool = new BudgetPool(Budget.of(5, 1_000), STARTED_AT_MS);
    PoolState before = pool.snapshot();

    assertThatThrownBy(() -> pool.reserve(new Budget(1L, -3L, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reservation budget.maxTokens: expected an integer >= 0, got -3");
    assertThat(pool.snapshot()).isEqualTo(before);
  }
}
