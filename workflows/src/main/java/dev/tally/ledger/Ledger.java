package dev.tally.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run's ledger as workflow state: the entries so far, the deterministic counters that number
 * them, and the entries not yet written to history.
 *
 * <p>Three counters keep separate namespaces, as the journal they replace did: spawn ordinals
 * number {@code spawned}, a settlement cursor numbers {@code settled} and {@code cancelled}, and a
 * meter counter numbers {@code metered}.
 */
public final class Ledger {
  private final String runId;
  private final List<LedgerEntry> entries = new ArrayList<>();
  private final List<LedgerEntry> unwritten = new ArrayList<>();
  private long spawnSeq;
  private long cursorSeq;
  private long meterSeq;
  private long carrySeq;
  private long raiseSeq;

  public Ledger(String runId) {
    this.runId = Objects.requireNonNull(runId, "runId");
  }

  /**
   * The ledger of a run that continued-as-new: its counters go on where the previous run left them,
   * and its first entry is {@code carried}, holding every total so far.
   */
  public static Ledger continued(LedgerState state, String fromRunId) {
    Ledger l = new Ledger(state.runId());
    l.spawnSeq = state.spawnSeq();
    l.cursorSeq = state.cursorSeq();
    l.meterSeq = state.meterSeq();
    l.carrySeq = state.carrySeq();
    l.raiseSeq = state.raiseSeq();
    l.add(new LedgerEntry.Carried(state.runId(), fromRunId, state.totals(), ++l.carrySeq));
    return l;
  }

  /** What a continued run needs of this ledger: the counters and the totals, not the entries. */
  public LedgerState state() {
    return new LedgerState(runId, spawnSeq, cursorSeq, meterSeq, carrySeq, raiseSeq, totals());
  }

  public String runId() {
    return runId;
  }

  /** The spawn ordinal the next {@link #spawned} will get, which also names the child node. */
  public long nextSpawnOrdinal() {
    return spawnSeq + 1;
  }

  public LedgerEntry.Spawned spawned(
      String id, String parent, String label, String profile, Budget budget) {
    return add(new LedgerEntry.Spawned(id, parent, label, profile, budget, ++spawnSeq));
  }

  public LedgerEntry.Settled settled(
      String id,
      String status,
      String outRef,
      Verdict verdict,
      Spend spent,
      String reason,
      Boolean infra,
      BudgetViolation violation) {
    return settled(id, status, outRef, verdict, spent, reason, infra, violation, null);
  }

  /** A settlement naming the model that did the work, so spend can be attributed to it. */
  public LedgerEntry.Settled settled(
      String id,
      String status,
      String outRef,
      Verdict verdict,
      Spend spent,
      String reason,
      Boolean infra,
      BudgetViolation violation,
      String model) {
    return add(
        new LedgerEntry.Settled(
            id, status, outRef, verdict, spent, reason, infra, violation, ++cursorSeq, model));
  }

  public LedgerEntry.Metered metered(String id, Spend spend, String model, int turn) {
    return add(new LedgerEntry.Metered(id, spend, model, turn, ++meterSeq));
  }

  public LedgerEntry.Cancelled cancelled(String id, String reason, Spend spent) {
    return add(new LedgerEntry.Cancelled(id, reason, spent, ++cursorSeq));
  }

  public LedgerEntry.Raised raised(Budget budget) {
    return add(new LedgerEntry.Raised(runId, budget, ++raiseSeq));
  }

  /** Entries recorded since the last call, in order; the caller writes them to history. */
  public List<LedgerEntry> takeUnwritten() {
    List<LedgerEntry> out = List.copyOf(unwritten);
    unwritten.clear();
    return out;
  }

  public boolean hasUnwritten() {
    return !unwritten.isEmpty();
  }

  public List<LedgerEntry> entries() {
    return List.copyOf(entries);
  }

  public LedgerTotals totals() {
    return LedgerTotals.of(entries);
  }

  private <E extends LedgerEntry> E add(E entry) {
    entries.add(entry);
    unwritten.add(entry);
    return entry;
  }
}
