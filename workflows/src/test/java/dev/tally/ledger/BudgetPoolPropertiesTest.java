package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of reserve, reconcile, observe and snapshot-restore against {@link BudgetPool},
 * checked after every step against an independent model of the pool (sums kept per channel, never
 * through the pool's own arithmetic) and against a twin pool that is restored from its own snapshot
 * whenever the sequence says so.
 *
 * <p>Generated cases: 10,000 sequences, each up to 40 operations long, plus 2,500 couldFund probes.
 * A coverage check fails the run if the generator stops reaching any of the {@link Event}s.
 */
class BudgetPoolPropertiesTest {

  // ---------------------------------------------------------------------------------------------
  // Properties
  // ---------------------------------------------------------------------------------------------

  // jqwik's edge-case mixing would fill most sequences with degenerate values at this many tries;
  // the boundaries that matter (asking exactly what is free, one more, one less) are generated on
  // purpose by ReserveNearFree instead.
  @Property(tries = 10_000, edgeCases = EdgeCasesMode.NONE)
  void pool_randomOperationSequence_keepsEveryInvariantAfterEveryStep(
      @ForAll("roots") Budget root,
      @ForAll("startInstants") long startedAtMs,
      @ForAll("operationSequences") List<Op> ops) {
    PoolRun run = new PoolRun(root, startedAtMs);
    run.check(-1);
    for (int step = 0; step < ops.size(); step++) {
      run.apply(ops.get(step), step);
      run.check(step);
    }

    run.reconcileEverything();

    run.check(ops.size());
    assertThat(run.pool.openTickets()).as("open tickets after reconciling all").isEmpty();
    PoolState end = run.pool.snapshot();
    assertThat(end.reservedTokens()).as("reserved tokens at the end").isZero();
    assertThat(end.reservedIterations()).as("reserved iterations at the end").isZero();
    assertThat(end.reservedUsd().signum()).as("reserved usd at the end").isZero();
    assertThat(run.pool.readout().openReservations()).isZero();
    assertThat(run.pool.readout().reservedTokens()).isZero();

    // The generator must actually reach every case the invariants are about.
    run.seen.forEach(event -> Statistics.label("events").collect(event));
    Statistics.label("events")
        .coverage(
            coverage -> {
              for (Event event : Event.values()) {
                coverage.check(event).count(n -> n >= MIN_RUNS_PER_EVENT);
              }
            });
  }

  /** Each event must show up in at least this many of the 10,000 sequences. */
  private static final int MIN_RUNS_PER_EVENT = 500;

  /** Things a sequence can run into; the coverage check demands each of them. */
  enum Event {
    ADMITTED,
    ADMITTED_EXACT_FIT,
    REFUSED_BUDGET_EXHAUSTED,
    REFUSED_USD_UNBUDGETED,
    REFUSED_AFTER_DOLLARS_CLOSED,
    INVALID_BUDGET_REJECTED,
    SETTLED_UNDER,
    SETTLED_OVER,
    FAILED_CLOSED,
    RECONCILE_SETTLED_AGAIN,
    RECONCILE_NEVER_MINTED,
    OBSERVED,
    OBSERVE_REFUSED,
    FREE_NEGATIVE,
    TOKENS_UNKNOWN,
    USD_UNKNOWN_UNCAPPED,
    RESTORED_THROUGH_JSON
  }

  @Property(tries = 2_500)
  void couldFund_anyReachableState_agreesWithReserveAndChangesNothing(
      @ForAll("roots") Budget root,
      @ForAll("operationSequences") List<Op> prefix,
      @ForAll("wants") Budget want) {
    PoolRun run = new PoolRun(root, 0);
    for (int step = 0; step < prefix.size(); step++) {
      run.apply(prefix.get(step), step);
    }
    PoolState before = run.pool.snapshot();

    Outcome asked = Outcome.of(() -> run.pool.couldFund(want));

    assertThat(run.pool.snapshot()).as("state after couldFund").isEqualTo(before);
    if (!Model.valid(want)) {
      assertThat(asked.error())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("reservation budget.");
      return;
    }
    boolean could = (Boolean) asked.value();
    assertThat(run.pool.reserve(want) instanceof Admission.Admitted)
        .as("reserve after couldFund=%s", could)
        .isEqualTo(could);
  }

  // ---------------------------------------------------------------------------------------------
  // The run: the pool under test, its restored twin and the model
  // ---------------------------------------------------------------------------------------------

  /** The pool under test, a twin that gets restored from snapshots, and the model both follow. */
  private static final class PoolRun {
    BudgetPool pool;
    BudgetPool twin;
    final Model model;
    boolean sawTokensUnknown;
    boolean sawUsdUnknown;
    final Set<Event> seen = EnumSet.noneOf(Event.class);

    PoolRun(Budget root, long startedAtMs) {
      this.pool = new BudgetPool(root, startedAtMs);
      this.twin = new BudgetPool(root, startedAtMs);
      this.model = new Model(root, startedAtMs);
    }

    void apply(Op op, int step) {
      if (op instanceof Reserve r) {
        reserve(r.want(), step);
      } else if (op instanceof ReserveNearFree r) {
        reserve(r.wantFrom(model), step);
      } else if (op instanceof Reconcile r) {
        reconcile(r, step);
      } else if (op instanceof Observe o) {
        observe(o.spend(), step);
      } else if (op instanceof Restore r) {
        twin = BudgetPool.restore(r.throughJson() ? throughJson(twin.snapshot()) : twin.snapshot());
        if (r.throughJson()) {
          seen.add(Event.RESTORED_THROUGH_JSON);
        }
        assertThat(twin.snapshot()).as("step %d: restored state", step).isEqualTo(pool.snapshot());
      }
    }

    private void reserve(Budget want, int step) {
      PoolState before = pool.snapshot();
      Outcome got = Outcome.of(() -> pool.reserve(want));
      Outcome twinGot = Outcome.of(() -> twin.reserve(want));
      got.assertSameAs(twinGot, step);

      if (!Model.valid(want)) {
        assertThat(got.error())
            .as("step %d: reserve of invalid %s", step, want)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("reservation budget.");
        assertThat(pool.snapshot())
            .as("step %d: state after invalid reserve", step)
            .isEqualTo(before);
        seen.add(Event.INVALID_BUDGET_REJECTED);
        return;
      }
      assertThat(got.error()).as("step %d: reserve threw", step).isNull();
      Admission expected = model.expectedAdmission(want);
      Admission actual = (Admission) got.value();
      assertThat(normalized(actual))
          .as("step %d: reserve %s", step, want)
          .isEqualTo(normalized(expected));
      if (actual instanceof Admission.Refused refused) {
        assertThat(pool.snapshot()).as("step %d: state after refusal", step).isEqualTo(before);
        seen.add(
            refused.reason().equals(Admission.USD_UNBUDGETED)
                ? Event.REFUSED_USD_UNBUDGETED
                : Event.REFUSED_BUDGET_EXHAUSTED);
        if (model.usdClosed) {
          seen.add(Event.REFUSED_AFTER_DOLLARS_CLOSED);
          assertThat(refused.shortfalls())
              .as("step %d: refusal after dollar admission closed", step)
              .anyMatch(s -> s.channel().equals("usd") && s.closedByUnknownSpend());
        }
        if (!model.root.usdCapped() && model.usdOf(want).signum() > 0) {
          assertThat(refused.reason()).isEqualTo(Admission.USD_UNBUDGETED);
        }
      } else {
        seen.add(Event.ADMITTED);
        if (want.maxTokens() == model.freeTokens()
            || want.maxIterations() == model.freeIterations()
            || (model.root.usdCapped() && model.usdOf(want).compareTo(model.freeUsd()) == 0)) {
          seen.add(Event.ADMITTED_EXACT_FIT);
        }
        model.admit(((Admission.Admitted) actual).ticket());
      }
    }

    private void reconcile(Reconcile op, int step) {
      int id = model.pickTicket(op.target(), op.pick());
      Ticket ticket = model.open.get(id);
      Spend spent = op.shape().spendFor(ticket == null ? Model.EMPTY_TICKET : ticket);
      PoolState before = pool.snapshot();
      Outcome got = Outcome.of(() -> pool.reconcile(id, spent));
      Outcome twinGot = Outcome.of(() -> twin.reconcile(id, spent));
      got.assertSameAs(twinGot, step);

      if (ticket == null) {
        assertThat(got.error())
            .as("step %d: reconcile of ticket %d that is not open", step, id)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageEndingWith("ticket " + id);
        assertThat(pool.snapshot())
            .as("step %d: state after bad reconcile", step)
            .isEqualTo(before);
        seen.add(
            model.settled.contains(id)
                ? Event.RECONCILE_SETTLED_AGAIN
                : Event.RECONCILE_NEVER_MINTED);
        return;
      }
      assertThat(got.error()).as("step %d: reconcile threw", step).isNull();
      Settlement settlement = (Settlement) got.value();
      List<BudgetViolation.Overspend> expectedOver = model.overspends(ticket, spent);
      if (expectedOver.isEmpty()) {
        assertThat(settlement.violation()).as("step %d: violation", step).isNull();
      } else {
        assertThat(settlement.violation()).as("step %d: violation", step).isNotNull();
        assertThat(normalizedOverspends(settlement.violation().overspent()))
            .as("step %d: violation of %s spending %s", step, ticket, spent)
            .isEqualTo(normalizedOverspends(expectedOver));
      }
      boolean expectFailClosed = model.root.usdCapped() && spent.usdSource() == UsdSource.UNKNOWN;
      assertThat(settlement.failedClosed())
          .as("step %d: failedClosed", step)
          .isEqualTo(expectFailClosed);
      model.settle(ticket, spent);
      seen.add(expectedOver.isEmpty() ? Event.SETTLED_UNDER : Event.SETTLED_OVER);
      if (expectFailClosed) {
        seen.add(Event.FAILED_CLOSED);
      }
    }

    private void observe(Spend spend, int step) {
      PoolState before = pool.snapshot();
      Outcome got = Outcome.ofAction(() -> pool.observe(spend));
      Outcome twinGot = Outcome.ofAction(() -> twin.observe(spend));
      got.assertSameAs(twinGot, step);

      if (model.root.usdCapped() && spend.usdSource() == UsdSource.UNKNOWN) {
        assertThat(got.error())
            .as("step %d: observe of unknown dollars under a cap", step)
            .isInstanceOf(IllegalStateException.class);
        assertThat(pool.snapshot())
            .as("step %d: state after refused observe", step)
            .isEqualTo(before);
        seen.add(Event.OBSERVE_REFUSED);
        return;
      }
      assertThat(got.error()).as("step %d: observe threw", step).isNull();
      model.commit(spend);
      seen.add(Event.OBSERVED);
    }

    /** Settles every ticket still open, as the join barrier does at the end of a run. */
    void reconcileEverything() {
      for (Ticket t : List.copyOf(model.open.values())) {
        Spend ceiling =
            new Spend(t.iterations(), t.tokens(), 0, t.usd(), 0, true, UsdSource.BILLED);
        Settlement s = pool.reconcile(t.id(), ceiling);
        assertThat(twin.reconcile(t.id(), ceiling)).isEqualTo(s);
        assertThat(s.violation()).as("settling %s at its ceiling", t).isNull();
        model.settle(t, ceiling);
      }
    }

    /** Every invariant, after every step. */
    void check(int step) {
      Budget root = model.root;
      assertThat(pool.conserved()).as("step %d: conserved()", step).isTrue();

      PoolState s = pool.snapshot();
      // The identity, recomputed from the snapshot rather than trusted from conserved().
      assertThat(s.freeTokens() + s.reservedTokens() + s.committedTokens())
          .as("step %d: tokens free+reserved+committed", step)
          .isEqualTo(root.maxTokens());
      assertThat(s.freeIterations() + s.reservedIterations() + s.committedIterations())
          .as("step %d: iterations free+reserved+committed", step)
          .isEqualTo(root.maxIterations());
      if (root.usdCapped()) {
        assertThat(s.freeUsd().add(s.reservedUsd()).add(s.committedUsd()))
            .as("step %d: usd free+reserved+committed", step)
            .isEqualByComparingTo(root.maxUsd());
      }

      // Each term matches the model's independent sums.
      assertThat(s.reservedTokens())
          .as("step %d: reserved tokens", step)
          .isEqualTo(model.reservedTokens());
      assertThat(s.committedTokens())
          .as("step %d: committed tokens", step)
          .isEqualTo(model.committedTokens());
      assertThat(s.freeTokens()).as("step %d: free tokens", step).isEqualTo(model.freeTokens());
      assertThat(s.reservedIterations())
          .as("step %d: reserved iterations", step)
          .isEqualTo(model.reservedIterations());
      assertThat(s.committedIterations())
          .as("step %d: committed iterations", step)
          .isEqualTo(model.committedIterations);
      assertThat(s.freeIterations())
          .as("step %d: free iterations", step)
          .isEqualTo(model.freeIterations());
      if (root.usdCapped()) {
        assertThat(s.reservedUsd())
            .as("step %d: reserved usd", step)
            .isEqualByComparingTo(model.reservedUsd());
        assertThat(s.committedUsd())
            .as("step %d: committed usd", step)
            .isEqualByComparingTo(model.committedUsd);
        assertThat(s.freeUsd()).as("step %d: free usd", step).isEqualByComparingTo(model.freeUsd());
      } else {
        assertThat(s.freeUsd().signum() | s.reservedUsd().signum() | s.committedUsd().signum())
            .as("step %d: usd channel of an uncapped pool stays empty", step)
            .isZero();
      }
      assertThat(s.usdClosed()).as("step %d: usd closed", step).isEqualTo(model.usdClosed);
      assertThat(s.nextTicketId()).as("step %d: next ticket id", step).isEqualTo(model.minted);
      assertThat(pool.openTickets())
          .as("step %d: open tickets", step)
          .containsExactlyElementsOf(model.open.values());

      PoolReadout r = pool.readout();
      assertThat(r.tokensLeft()).as("step %d: tokensLeft", step).isEqualTo(model.freeTokens());
      assertThat(r.iterationsLeft())
          .as("step %d: iterationsLeft", step)
          .isEqualTo(model.freeIterations());
      assertThat(r.reservedTokens())
          .as("step %d: readout reservedTokens", step)
          .isEqualTo(model.reservedTokens());
      assertThat(r.openReservations())
          .as("step %d: openReservations", step)
          .isEqualTo(model.open.size());
      assertThat(r.usdCapped()).as("step %d: usdCapped", step).isEqualTo(root.usdCapped());
      if (!root.usdCapped()) {
        assertThat(r.usdLeft()).as("step %d: usdLeft uncapped", step).isNull();
      } else if (model.usdClosed) {
        assertThat(r.usdLeft())
            .as("step %d: usdLeft closed", step)
            .isEqualByComparingTo(BigDecimal.ZERO);
      } else {
        assertThat(r.usdLeft()).as("step %d: usdLeft", step).isEqualByComparingTo(model.freeUsd());
      }
      assertThat(r.deadlineAtMs())
          .as("step %d: deadlineAtMs", step)
          .isEqualTo(root.deadlineMs() == null ? null : model.startedAtMs + root.deadlineMs());

      // Unknown flags: follow the model and never come back once lost.
      assertThat(r.tokensKnown()).as("step %d: tokensKnown", step).isEqualTo(model.tokensKnown);
      assertThat(r.usdKnown()).as("step %d: usdKnown", step).isEqualTo(model.usdKnown());
      if (sawTokensUnknown) {
        assertThat(r.tokensKnown()).as("step %d: tokensKnown came back", step).isFalse();
      }
      if (sawUsdUnknown) {
        assertThat(r.usdKnown()).as("step %d: usdKnown came back", step).isFalse();
      }
      sawTokensUnknown |= !r.tokensKnown();
      sawUsdUnknown |= !r.usdKnown();
      if (!r.tokensKnown()) {
        seen.add(Event.TOKENS_UNKNOWN);
      }
      if (!r.usdKnown() && !root.usdCapped()) {
        seen.add(Event.USD_UNKNOWN_UNCAPPED);
      }
      if (s.freeTokens() < 0
          || s.freeIterations() < 0
          || (root.usdCapped() && s.freeUsd().signum() < 0)) {
        seen.add(Event.FREE_NEGATIVE);
      }
      Spend c = r.committed();
      assertThat(List.of(c.iterations(), c.inputTokens(), c.outputTokens(), c.ms()))
          .as("step %d: committed counts", step)
          .containsExactly(
              model.committedIterations,
              model.committedInput,
              model.committedOutput,
              model.committedMs);
      assertThat(c.usd())
          .as("step %d: committed dollars", step)
          .isEqualByComparingTo(model.committedAllUsd);
      assertThat(c.usdSource())
          .as("step %d: committed usd source", step)
          .isEqualTo(model.usdSource());

      // The twin, however often it was restored, is in exactly the same state.
      assertThat(twin.snapshot()).as("step %d: twin state", step).isEqualTo(s);
    }
  }

  /**
   * What the pool should hold, kept as plain per-channel sums over open tickets and committed
   * spends. It never calls the pool's arithmetic, so a slip in either shows up as a mismatch.
   */
  private static final class Model {
    static final Ticket EMPTY_TICKET = new Ticket(-1, 0, 0, BigDecimal.ZERO, false);

    final Budget root;
    final long startedAtMs;
    final Map<Integer, Ticket> open = new LinkedHashMap<>();
    final List<Integer> settled = new ArrayList<>();
    int minted;
    long committedIterations;
    long committedInput;
    long committedOutput;
    long committedMs;
    BigDecimal committedUsd = BigDecimal.ZERO; // what the capped usd channel committed
    BigDecimal committedAllUsd = BigDecimal.ZERO; // every committed dollar, capped or not
    boolean usdClosed;
    boolean tokensKnown = true;
    boolean sawCatalog;
    boolean sawUnknownUsd;

    Model(Budget root, long startedAtMs) {
      this.root = root;
      this.startedAtMs = startedAtMs;
    }

    static boolean valid(Budget b) {
      return b.maxIterations() != null
          && b.maxIterations() >= 0
          && b.maxTokens() != null
          && b.maxTokens() >= 0
          && (b.maxUsd() == null || b.maxUsd().signum() >= 0)
          && (b.deadlineMs() == null || b.deadlineMs() >= 0);
    }

    BigDecimal usdOf(Budget want) {
      return want.maxUsd() == null ? BigDecimal.ZERO : want.maxUsd();
    }

    long reservedTokens() {
      return open.values().stream().mapToLong(Ticket::tokens).sum();
    }

    long reservedIterations() {
      return open.values().stream().mapToLong(Ticket::iterations).sum();
    }

    BigDecimal reservedUsd() {
      return open.values().stream().map(Ticket::usd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    long committedTokens() {
      return committedInput + committedOutput;
    }

    long freeTokens() {
      return root.maxTokens() - reservedTokens() - committedTokens();
    }

    long freeIterations() {
      return root.maxIterations() - reservedIterations() - committedIterations;
    }

    BigDecimal freeUsd() {
      return root.maxUsd().subtract(reservedUsd()).subtract(committedUsd);
    }

    boolean usdKnown() {
      return !sawUnknownUsd;
    }

    UsdSource usdSource() {
      return sawUnknownUsd ? UsdSource.UNKNOWN : sawCatalog ? UsdSource.CATALOG : UsdSource.BILLED;
    }

    /** Every short channel, in the order tokens, iterations, usd; or the ticket the pool mints. */
    Admission expectedAdmission(Budget want) {
      BigDecimal wantUsd = usdOf(want);
      List<Shortfall> short_ = new ArrayList<>();
      if (want.maxTokens() > freeTokens()) {
        short_.add(
            new Shortfall(
                "tokens",
                BigDecimal.valueOf(want.maxTokens()),
                BigDecimal.valueOf(Math.max(0, freeTokens())),
                BigDecimal.valueOf(reservedTokens()),
                false));
      }
      if (want.maxIterations() > freeIterations()) {
        short_.add(
            new Shortfall(
                "iterations",
                BigDecimal.valueOf(want.maxIterations()),
                BigDecimal.valueOf(Math.max(0, freeIterations())),
                BigDecimal.valueOf(reservedIterations()),
                false));
      }
      if (!root.usdCapped() && wantUsd.signum() > 0) {
        return new Admission.Refused(Admission.USD_UNBUDGETED, short_);
      }
      if (root.usdCapped() && (usdClosed || wantUsd.compareTo(freeUsd()) > 0)) {
        BigDecimal free = usdClosed ? BigDecimal.ZERO : freeUsd().max(BigDecimal.ZERO);
        short_.add(new Shortfall("usd", wantUsd, free, reservedUsd(), usdClosed));
      }
      if (!short_.isEmpty()) {
        return new Admission.Refused(Admission.BUDGET_EXHAUSTED, short_);
      }
      return new Admission.Admitted(
          new Ticket(
              minted, want.maxTokens(), want.maxIterations(), wantUsd, want.maxUsd() != null));
    }

    void admit(Ticket t) {
      open.put(t.id(), t);
      minted++;
    }

    List<BudgetViolation.Overspend> overspends(Ticket t, Spend spent) {
      List<BudgetViolation.Overspend> out = new ArrayList<>();
      long tokens = spent.inputTokens() + spent.outputTokens();
      if (tokens > t.tokens()) {
        out.add(
            new BudgetViolation.Overspend(
                "tokens", BigDecimal.valueOf(t.tokens()), BigDecimal.valueOf(tokens)));
      }
      if (spent.iterations() > t.iterations()) {
        out.add(
            new BudgetViolation.Overspend(
                "iterations",
                BigDecimal.valueOf(t.iterations()),
                BigDecimal.valueOf(spent.iterations())));
      }
      if (root.usdCapped() && t.usdBudgeted() && spent.usd().compareTo(t.usd()) > 0) {
        out.add(new BudgetViolation.Overspend("usd", t.usd(), spent.usd()));
      }
      return out;
    }

    void settle(Ticket t, Spend spent) {
      open.remove(t.id());
      settled.add(t.id());
      commit(spent);
      usdClosed |= root.usdCapped() && spent.usdSource() == UsdSource.UNKNOWN;
    }

    void commit(Spend s) {
      committedIterations += s.iterations();
      committedInput += s.inputTokens();
      committedOutput += s.outputTokens();
      committedMs += s.ms();
      committedAllUsd = committedAllUsd.add(s.usd());
      if (root.usdCapped()) {
        committedUsd = committedUsd.add(s.usd());
      }
      tokensKnown &= s.tokensKnown();
      sawCatalog |= s.usdSource() == UsdSource.CATALOG;
      sawUnknownUsd |= s.usdSource() == UsdSource.UNKNOWN;
    }

    /** The ticket id an operation aims at; falls back to an id never minted when none fits. */
    int pickTicket(Target target, int pick) {
      if (target == Target.OPEN && !open.isEmpty()) {
        return List.copyOf(open.keySet()).get(pick % open.size());
      }
      if (target == Target.SETTLED && !settled.isEmpty()) {
        return settled.get(pick % settled.size());
      }
      return pick % 2 == 0 ? minted + pick : -1 - pick;
    }
  }

  /** What a call returned or threw. */
  private record Outcome(Object value, RuntimeException error) {
    static Outcome of(Supplier<Object> call) {
      try {
        return new Outcome(call.get(), null);
      } catch (RuntimeException e) {
        return new Outcome(null, e);
      }
    }

    static Outcome ofAction(Runnable call) {
      return of(
          () -> {
            call.run();
            return null;
          });
    }

    /** The twin must answer exactly as the pool did: same value, or same failure. */
    void assertSameAs(Outcome twin, int step) {
      assertThat(twin.value).as("step %d: twin's answer", step).isEqualTo(value);
      if (error == null) {
        assertThat(twin.error).as("step %d: twin threw", step).isNull();
      } else {
        assertThat(twin.error)
            .as("step %d: twin's failure", step)
            .isInstanceOf(error.getClass())
            .hasMessage(error.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Normalising decimals so model and pool compare by value, whatever scale each arrived at.
  // ---------------------------------------------------------------------------------------------

  private static BigDecimal byValue(BigDecimal d) {
    return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
  }

  private static Admission normalized(Admission a) {
    if (a instanceof Admission.Refused r) {
      return new Admission.Refused(
          r.reason(),
          r.shortfalls().stream()
              .map(
                  s ->
                      new Shortfall(
                          s.channel(),
                          byValue(s.requested()),
                          byValue(s.free()),
                          byValue(s.held()),
                          s.closedByUnknownSpend()))
              .toList());
    }
    Ticket t = ((Admission.Admitted) a).ticket();
    return new Admission.Admitted(
        new Ticket(t.id(), t.tokens(), t.iterations(), byValue(t.usd()), t.usdBudgeted()));
  }

  private static List<BudgetViolation.Overspend> normalizedOverspends(
      List<BudgetViolation.Overspend> list) {
    return list.stream()
        .map(
            o ->
                new BudgetViolation.Overspend(
                    o.channel(), byValue(o.reserved()), byValue(o.spent())))
        .toList();
  }

  private static PoolState throughJson(PoolState state) {
    try {
      return Json.CANONICAL.readValue(Json.CANONICAL.writeValueAsString(state), PoolState.class);
    } catch (JsonProcessingException e) {
      throw new AssertionError("pool state does not survive JSON: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operations and their generators
  // ---------------------------------------------------------------------------------------------

  sealed interface Op permits Reserve, ReserveNearFree, Reconcile, Observe, Restore {}

  record Reserve(Budget want) implements Op {}

  /** A reservation of what is free right now, give or take one unit per channel. */
  record ReserveNearFree(int tokenDelta, int iterationDelta, int usdDeltaCents, boolean askUsd)
      implements Op {
    Budget wantFrom(Model model) {
      long tokens = Math.max(0, model.freeTokens() + tokenDelta);
      long iterations = Math.max(0, model.freeIterations() + iterationDelta);
      BigDecimal cents = BigDecimal.valueOf(usdDeltaCents, 2);
      BigDecimal usd = null;
      if (askUsd) {
        BigDecimal base = model.root.usdCapped() ? model.freeUsd() : BigDecimal.ZERO;
        usd = base.add(cents).max(BigDecimal.ZERO);
      }
      return new Budget(iterations, tokens, usd, null);
    }
  }

  record Reconcile(Target target, int pick, SpendShape shape) implements Op {}

  record Observe(Spend spend) implements Op {}

  record Restore(boolean throughJson) implements Op {}

  /** Which ticket a reconcile aims at. */
  enum Target {
    OPEN,
    SETTLED,
    NEVER_MINTED
  }

  /** How a child's real spend relates to its reservation: under, exactly, or over, per channel. */
  record SpendShape(
      int tokenPercent,
      long extraTokens,
      int inputPercent,
      int iterationPercent,
      long extraIterations,
      int usdPercent,
      long extraMicroUsd,
      Flags flags) {

    Spend spendFor(Ticket t) {
      long tokens = t.tokens() * tokenPercent / 100 + extraTokens;
      long input = tokens * inputPercent / 100;
      long iterations = t.iterations() * iterationPercent / 100 + extraIterations;
      BigDecimal usd =
          t.usd()
              .multiply(BigDecimal.valueOf(usdPercent, 2))
              .add(BigDecimal.valueOf(extraMicroUsd, 6));
      return new Spend(
          iterations, input, tokens - input, usd, flags.ms(), flags.tokensKnown(), flags.source());
    }
  }

  record Flags(boolean tokensKnown, UsdSource source, long ms) {}

  @Provide
  Arbitrary<Budget> roots() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 30).withDistribution(RandomDistribution.uniform()),
            Arbitraries.longs().between(0, 20_000).withDistribution(RandomDistribution.uniform()),
            dollars(500).injectNull(0.4),
            Arbitraries.longs().between(0, 86_400_000L).injectNull(0.5))
        .as(Budget::new);
  }

  @Provide
  Arbitrary<Long> startInstants() {
    return Arbitraries.longs().between(0, 2_000_000_000_000L);
  }

  @Provide
  Arbitrary<List<Op>> operationSequences() {
    Arbitrary<Op> reserve = wants().map(Reserve::new);
    Arbitrary<Op> reserveNearFree =
        Combinators.combine(
                Arbitraries.integers().between(-1, 1),
                Arbitraries.integers().between(-1, 1),
                Arbitraries.integers().between(-1, 1),
                Arbitraries.of(true, false))
            .as(ReserveNearFree::new);
    Arbitrary<Op> reconcile =
        Combinators.combine(
                Arbitraries.frequency(
                    Tuple.of(8, Target.OPEN),
                    Tuple.of(1, Target.SETTLED),
                    Tuple.of(1, Target.NEVER_MINTED)),
                Arbitraries.integers().between(0, 50),
                spendShapes())
            .as(Reconcile::new);
    Arbitrary<Op> observe = observedSpends().map(Observe::new);
    Arbitrary<Op> restore = Arbitraries.of(true, false).map(Restore::new);
    return Arbitraries.frequencyOf(
            Tuple.of(3, reserve),
            Tuple.of(1, reserveNearFree),
            Tuple.of(4, reconcile),
            Tuple.of(2, observe),
            Tuple.of(1, restore))
        .list()
        .ofMaxSize(40)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  /** Spawn budgets: mostly valid, sometimes with one field broken. */
  @Provide
  Arbitrary<Budget> wants() {
    Arbitrary<Budget> valid =
        Combinators.combine(
                Arbitraries.longs().between(0, 6).withDistribution(RandomDistribution.uniform()),
                Arbitraries.longs()
                    .between(0, 3_000)
                    .withDistribution(RandomDistribution.uniform()),
                dollars(150).injectNull(0.4),
                Arbitraries.longs().between(0, 3_600_000L).injectNull(0.7))
            .as(Budget::new);
    Arbitrary<Budget> invalid =
        Combinators.combine(valid, Arbitraries.integers().between(0, 5))
            .as(BudgetPoolPropertiesTest::broken);
    return Arbitraries.frequencyOf(Tuple.of(29, valid), Tuple.of(1, invalid));
  }

  private static Budget broken(Budget b, int field) {
    return switch (field) {
      case 0 -> new Budget(null, b.maxTokens(), b.maxUsd(), b.deadlineMs());
      case 1 -> new Budget(-1 - b.maxIterations(), b.maxTokens(), b.maxUsd(), b.deadlineMs());
      case 2 -> new Budget(b.maxIterations(), null, b.maxUsd(), b.deadlineMs());
      case 3 -> new Budget(b.maxIterations(), -1 - b.maxTokens(), b.maxUsd(), b.deadlineMs());
      case 4 ->
          new Budget(
              b.maxIterations(),
              b.maxTokens(),
              Objects.requireNonNullElse(b.maxUsd(), BigDecimal.ZERO)
                  .negate()
                  .subtract(new BigDecimal("0.01")),
              b.deadlineMs());
      default -> new Budget(b.maxIterations(), b.maxTokens(), b.maxUsd(), -1L);
    };
  }

  private Arbitrary<SpendShape> spendShapes() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 200),
            Arbitraries.frequency(Tuple.of(4, 0L), Tuple.of(1, 250L)),
            Arbitraries.integers().between(0, 100),
            Arbitraries.integers().between(0, 200),
            Arbitraries.frequency(Tuple.of(4, 0L), Tuple.of(1, 1L)),
            Arbitraries.integers().between(0, 200),
            Arbitraries.frequency(Tuple.of(3, 0L), Tuple.of(1, 12_345L), Tuple.of(1, 250_000L)),
            flags())
        .as(SpendShape::new);
  }

  private Arbitrary<Spend> observedSpends() {
    return Combinators.combine(
            Arbitraries.frequency(Tuple.of(5, 0L), Tuple.of(1, 1L)),
            Arbitraries.longs().between(0, 1_500),
            Arbitraries.longs().between(0, 1_500),
            dollars(60),
            flags())
        .as(
            (iterations, in, out, usd, f) ->
                new Spend(iterations, in, out, usd, f.ms(), f.tokensKnown(), f.source()));
  }

  private Arbitrary<Flags> flags() {
    return Combinators.combine(
            Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
            Arbitraries.frequency(
                Tuple.of(3, UsdSource.BILLED),
                Tuple.of(3, UsdSource.CATALOG),
                Tuple.of(1, UsdSource.UNKNOWN)),
            Arbitraries.longs().between(0, 60_000))
        .as(Flags::new);
  }

  /** Dollar amounts up to {@code maxCents}, written at varying scales (1.5, 1.50, 1.50000). */
  private static Arbitrary<BigDecimal> dollars(long maxCents) {
    return Combinators.combine(
            Arbitraries.longs().between(0, maxCents).withDistribution(RandomDistribution.uniform()),
            Arbitraries.integers().between(0, 4))
        .as(
            (cents, form) ->
                form == 0
                    ? BigDecimal.valueOf(cents, 2).stripTrailingZeros()
                    : BigDecimal.valueOf(cents, 2).setScale(1 + form));
  }
}
