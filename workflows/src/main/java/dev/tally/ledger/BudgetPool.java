package dev.tally.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The conserved pool: one budget shared by a driver and every child it spawns.
 *
 * <p>On every channel (tokens, iterations, and dollars when capped) {@code limit == free + reserved
 * + committed} holds after every call, overspend included: free goes negative rather than the
 * identity breaking. The pool is pure workflow state: no clock, no I/O, no randomness; the run's
 * start instant is passed in so the deadline never slides.
 */
public final class BudgetPool {
  private Budget root;
  private final long runStartedAtMs;
  private long freeTokens;
  private long reservedTokens;
  private long committedTokens;
  private long freeIterations;
  private long reservedIterations;
  private long committedIterations;
  private BigDecimal freeUsd;
  private BigDecimal reservedUsd = BigDecimal.ZERO;
  private BigDecimal committedUsd = BigDecimal.ZERO;
  private boolean usdClosed;
  private Spend committed = Spend.ZERO;
  private int nextTicketId;
  private final Map<Integer, Ticket> open = new LinkedHashMap<>();

  /**
   * A fresh pool.
   *
   * @param root the run's ceilings, validated here
   * @param runStartedAtMs the run's start instant (epoch ms), the origin of the deadline
   */
  public BudgetPool(Budget root, long runStartedAtMs) {
    BudgetRules.require("root budget", root);
    if (runStartedAtMs < 0) {
      throw new IllegalArgumentException(
          "runStartedAtMs: expected an epoch instant >= 0, got " + runStartedAtMs);
    }
    this.root = root;
    this.runStartedAtMs = runStartedAtMs;
    this.freeTokens = root.maxTokens();
    this.freeIterations = root.maxIterations();
    this.freeUsd = root.usdCapped() ? root.maxUsd() : BigDecimal.ZERO;
  }

  /** Rebuilds a pool exactly as {@link #snapshot()} left it. */
  public static BudgetPool restore(PoolState s) {
    Objects.requireNonNull(s, "state");
    BudgetPool p = new BudgetPool(s.root(), s.runStartedAtMs());
    p.freeTokens = s.freeTokens();
    p.reservedTokens = s.reservedTokens();
    p.committedTokens = s.committedTokens();
    p.freeIterations = s.freeIterations();
    p.reservedIterations = s.reservedIterations();
    p.committedIterations = s.committedIterations();
    p.freeUsd = s.freeUsd();
    p.reservedUsd = s.reservedUsd();
    p.committedUsd = s.committedUsd();
    p.usdClosed = s.usdClosed();
    p.committed = s.committed();
    p.nextTicketId = s.nextTicketId();
    s.open().forEach(t -> p.open.put(t.id(), t));
    return p;
  }

  public PoolState snapshot() {
    return new PoolState(
        root,
        runStartedAtMs,
        freeTokens,
        reservedTokens,
        committedTokens,
        freeIterations,
        reservedIterations,
        committedIterations,
        freeUsd,
        reservedUsd,
        committedUsd,
        usdClosed,
        committed,
        nextTicketId,
        new ArrayList<>(open.values()));
  }

  /**
   * Reserves a child's whole ceiling, atomically. A refusal lists every channel that is short and
   * leaves the pool untouched.
   *
   * @throws IllegalArgumentException when {@code want} is not a valid budget
   */
  public Admission reserve(Budget want) {
    BudgetRules.require("reservation budget", want);
    BigDecimal wantUsd = want.usdCapped() ? want.maxUsd() : BigDecimal.ZERO;
    List<Shortfall> shortfalls = new ArrayList<>();
    if (want.tokens() > freeTokens) {
      shortfalls.add(shortfall("tokens", want.tokens(), freeTokens, reservedTokens, false));
    }
    if (want.iterations() > freeIterations) {
      shortfalls.add(
          shortfall("iterations", want.iterations(), freeIterations, reservedIterations, false));
    }
    if (wantUsd.signum() > 0 && !root.usdCapped()) {
      return new Admission.Refused(Admission.USD_UNBUDGETED, shortfalls);
    }
    if (root.usdCapped() && (usdClosed || !BudgetRules.fitsUsd(wantUsd, freeUsd))) {
      shortfalls.add(
          new Shortfall(
              "usd",
              wantUsd,
              usdClosed ? BigDecimal.ZERO : clamp(freeUsd),
              reservedUsd,
              usdClosed));
    }
    if (!shortfalls.isEmpty()) {
      return new Admission.Refused(Admission.BUDGET_EXHAUSTED, shortfalls);
    }
    Ticket ticket =
        new Ticket(nextTicketId++, want.tokens(), want.iterations(), wantUsd, want.usdCapped());
    freeTokens -= ticket.tokens();
    reservedTokens += ticket.tokens();
    freeIterations -= ticket.iterations();
    reservedIterations += ticket.iterations();
    if (root.usdCapped()) {
      freeUsd = freeUsd.subtract(wantUsd);
      reservedUsd = reservedUsd.add(wantUsd);
    }
    open.put(ticket.id(), ticket);
    return new Admission.Admitted(ticket);
  }

  /**
   * Settles one ticket with what the child really spent. Settlement always happens; overspend is
   * reported as a violation, unknown dollars under a cap fail the child closed.
   *
   * @throws IllegalStateException when the ticket is unknown or already settled (nothing changes)
   */
  public Settlement reconcile(int ticketId, Spend spent) {
    Objects.requireNonNull(spent, "spent");
    Ticket t = open.remove(ticketId);
    if (t == null) {
      throw new IllegalStateException(
          "budget pool: reconcile of unknown or already-settled ticket " + ticketId);
    }
    boolean unknownUnderCap = root.usdCapped() && !spent.usdKnown();
    List<BudgetViolation.Overspend> over = new ArrayList<>();
    if (spent.tokens() > t.tokens()) {
      over.add(overspend("tokens", t.tokens(), spent.tokens()));
    }
    if (spent.iterations() > t.iterations()) {
      over.add(overspend("iterations", t.iterations(), spent.iterations()));
    }
    if (root.usdCapped() && t.usdBudgeted() && spent.usd().compareTo(t.usd()) > 0) {
      over.add(new BudgetViolation.Overspend("usd", t.usd(), spent.usd()));
    }
    reservedTokens -= t.tokens();
    freeTokens += t.tokens() - spent.tokens();
    committedTokens += spent.tokens();
    reservedIterations -= t.iterations();
    freeIterations += t.iterations() - spent.iterations();
    committedIterations += spent.iterations();
    if (root.usdCapped()) {
      reservedUsd = reservedUsd.subtract(t.usd());
      freeUsd = freeUsd.add(t.usd()).subtract(spent.usd());
      committedUsd = committedUsd.add(spent.usd());
      usdClosed |= unknownUnderCap;
    }
    committed = committed.plus(spent);
    return new Settlement(over.isEmpty() ? null : new BudgetViolation(over), unknownUnderCap);
  }

  /**
   * Debits the driver's own inference directly. Unknown dollars under a dollar cap are refused
   * before anything changes.
   *
   * @throws IllegalStateException when the dollars are unknown and the pool caps dollars
   */
  public void observe(Spend spend) {
    Objects.requireNonNull(spend, "spend");
    if (root.usdCapped() && !spend.usdKnown()) {
      throw new IllegalStateException(
          "budget pool: cannot observe unknown dollar cost under a dollar-capped budget");
    }
    freeTokens -= spend.tokens();
    committedTokens += spend.tokens();
    freeIterations -= spend.iterations();
    committedIterations += spend.iterations();
    if (root.usdCapped()) {
      freeUsd = freeUsd.subtract(spend.usd());
      committedUsd = committedUsd.add(spend.usd());
    }
    committed = committed.plus(spend);
  }

  public PoolReadout readout() {
    return new PoolReadout(
        freeTokens,
        root.usdCapped() ? (usdClosed ? BigDecimal.ZERO : freeUsd) : null,
        root.usdCapped(),
        freeIterations,
        reservedTokens,
        open.size(),
        root.deadlineMs() == null ? null : runStartedAtMs + root.deadlineMs(),
        committed.tokensKnown(),
        committed.usdKnown(),
        committed);
  }

  /**
   * Raises the ceilings to {@code raised}: every channel's free amount grows by what its limit
   * grew, so {@code limit == free + reserved + committed} still holds and nothing spent is re-paid.
   * A deadline stays relative to the run's start.
   *
   * @throws IllegalArgumentException when a channel would go down, or dollars or a deadline would
   *     appear where there were none (nothing changes)
   */
  public void raise(Budget raised) {
    BudgetRules.require("raised budget", raised);
    if (raised.tokens() < root.tokens() || raised.iterations() < root.iterations()) {
      throw new IllegalArgumentException(
          "raised budget: expected tokens and iterations at or above "
              + root.tokens()
              + " and "
              + root.iterations()
              + ", got "
              + raised.tokens()
              + " and "
              + raised.iterations());
    }
    if (raised.usdCapped() != root.usdCapped()
        || (root.usdCapped() && raised.maxUsd().compareTo(root.maxUsd()) < 0)) {
      throw new IllegalArgumentException(
          "raised budget: expected maxUsd at or above "
              + root.maxUsd()
              + ", got "
              + raised.maxUsd());
    }
    if ((raised.deadlineMs() == null) != (root.deadlineMs() == null)
        || (root.deadlineMs() != null && raised.deadlineMs() < root.deadlineMs())) {
      throw new IllegalArgumentException(
          "raised budget: expected deadlineMs at or above "
              + root.deadlineMs()
              + ", got "
              + raised.deadlineMs());
    }
    freeTokens += raised.tokens() - root.tokens();
    freeIterations += raised.iterations() - root.iterations();
    if (root.usdCapped()) {
      freeUsd = freeUsd.add(raised.maxUsd().subtract(root.maxUsd()));
    }
    root = raised;
  }

  /** The channels short of funding {@code want}, as a refused reservation would list them. */
  public List<Shortfall> shortfallsFor(Budget want) {
    Admission a = restore(snapshot()).reserve(want);
    return a instanceof Admission.Refused r ? r.shortfalls() : List.of();
  }

  /** Whether this pool could fund {@code want} right now, without reserving it. */
  public boolean couldFund(Budget want) {
    BudgetPool probe = restore(snapshot());
    return probe.reserve(want) instanceof Admission.Admitted;
  }

  public Budget root() {
    return root;
  }

  public List<Ticket> openTickets() {
    return List.copyOf(open.values());
  }

  /**
   * The identity {@code limit == free + reserved + committed}, per channel, for checks and tests.
   */
  public boolean conserved() {
    boolean tokens = root.maxTokens() == freeTokens + reservedTokens + committedTokens;
    boolean iterations =
        root.maxIterations() == freeIterations + reservedIterations + committedIterations;
    boolean usd =
        !root.usdCapped()
            || root.maxUsd().compareTo(freeUsd.add(reservedUsd).add(committedUsd)) == 0;
    return tokens && iterations && usd;
  }

  private static Shortfall shortfall(
      String channel, long requested, long free, long held, boolean closed) {
    return new Shortfall(
        channel,
        BigDecimal.valueOf(requested),
        BigDecimal.valueOf(Math.max(0, free)),
        BigDecimal.valueOf(held),
        closed);
  }

  private static BigDecimal clamp(BigDecimal v) {
    return v.signum() < 0 ? BigDecimal.ZERO : v;
  }

  private static BudgetViolation.Overspend overspend(String channel, long reserved, long spent) {
    return new BudgetViolation.Overspend(
        channel, BigDecimal.valueOf(reserved), BigDecimal.valueOf(spent));
  }
}
