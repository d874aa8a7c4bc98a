package dev.tally.supervise;

import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetRules;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Spend;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code raiseBudget} update over a root run's state: raise-only, checked field by field before
 * anything changes, recorded as a {@code raised} ledger entry. A paused run wakes on it.
 */
final class BudgetRaise {
  private final RunState s;

  BudgetRaise(RunState state) {
    this.s = state;
  }

  /**
   * Every problem with {@code raise} against the run as it is now, each naming the field, the
   * current ceiling and the spend; empty when it can be applied.
   */
  List<String> problems(Budget raise) {
    List<String> out = new ArrayList<>();
    if (s.result != null || "joining".equals(s.phase) || "done".equals(s.phase)) {
      out.add("run: expected an open run, got one that has ended (" + s.phase + ")");
      return out;
    }
    if (raise == null
        || (raise.maxTokens() == null
            && raise.maxIterations() == null
            && raise.maxUsd() == null
            && raise.deadlineMs() == null)) {
      out.add(
          "raiseBudget: expected at least one of maxTokens, maxUsd, maxIterations, deadlineMs,"
              + " got none");
      return out;
    }
    Budget root = s.pool.root();
    Spend spent = s.pool.readout().committed();
    if (raise.maxTokens() != null && raise.maxTokens() <= root.tokens()) {
      out.add(belowCeiling("maxTokens", root.tokens(), spent.tokens(), raise.maxTokens()));
    }
    if (raise.maxIterations() != null && raise.maxIterations() <= root.iterations()) {
      out.add(
          belowCeiling(
              "maxIterations", root.iterations(), spent.iterations(), raise.maxIterations()));
    }
    if (raise.maxUsd() != null) {
      if (!root.usdCapped()) {
        out.add(
            "maxUsd: expected absent, this run has no dollar cap (dollars uncapped) and a raise"
                + " cannot add one, got "
                + raise.maxUsd().toPlainString());
      } else if (raise.maxUsd().compareTo(root.maxUsd()) <= 0) {
        out.add(
            belowCeiling(
                "maxUsd",
                root.maxUsd().toPlainString(),
                spent.usd().toPlainString(),
                raise.maxUsd().toPlainString()));
      } else if (s.pool.snapshot().usdClosed()) {
        out.add(
            "maxUsd: dollar admission is closed (a spend of unknown dollar cost under the cap);"
                + " a raise cannot reopen it, got "
                + raise.maxUsd().toPlainString());
      }
    }
    if (raise.deadlineMs() != null) {
      if (root.deadlineMs() == null) {
        out.add(
            "deadlineMs: expected absent, this run has no deadline and a raise cannot add one, got "
                + raise.deadlineMs());
      } else if (raise.deadlineMs() <= root.deadlineMs()) {
        out.add(
            "deadlineMs: expected more than the current "
                + root.deadlineMs()
                + " ms after the run's start, got "
                + raise.deadlineMs());
      }
    }
    if (out.isEmpty()) {
      out.addAll(BudgetRules.inputProblems("raiseBudget", raised(raise)));
    }
    return out;
  }

  /** Applies a raise the validator accepted; returns the pool as it is after it. */
  PoolReadout apply(Budget raise) {
    Budget raised = raised(raise);
    s.pool.raise(raised);
    s.request = s.request.withBudget(raised);
    s.ledger.raised(raised);
    s.raises++;
    return s.pool.readout();
  }

  private Budget raised(Budget raise) {
    return raise.mergedOver(s.pool.root());
  }

  private static String belowCeiling(String field, Object ceiling, Object spent, Object got) {
    return field
        + ": expected more than the current ceiling "
        + ceiling
        + " (spent "
        + spent
        + "), got "
        + got;
  }
}
