package dev.tally.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Checks a {@link Budget}; every message names the field, the expected and the actual value. */
public final class BudgetRules {
  /** Largest token or iteration ceiling: far above any real run, far below where sums overflow. */
  public static final long MAX_COUNT = 1_000_000_000_000_000L;

  /** Largest dollar ceiling one run may declare. */
  public static final BigDecimal MAX_USD = BigDecimal.valueOf(1_000_000);

  /** Longest deadline: ten years, so that start + deadline can never overflow. */
  public static final long MAX_DEADLINE_MS = 315_360_000_000L;

  private BudgetRules() {}

  /**
   * Problems with {@code budget} under the label {@code where} (e.g. {@code budget}); empty when
   * valid.
   */
  public static List<String> problems(String where, Budget budget) {
    List<String> out = new ArrayList<>();
    if (budget == null) {
      out.add(where + ": expected a budget object, got null");
      return out;
    }
    nonNegative(out, where + ".maxIterations", budget.maxIterations());
    nonNegative(out, where + ".maxTokens", budget.maxTokens());
    if (budget.maxUsd() != null && budget.maxUsd().signum() < 0) {
      out.add(
          where
              + ".maxUsd: expected a finite number >= 0 or absent (absent = dollars not capped), got "
              + budget.maxUsd().toPlainString());
    }
    if (budget.deadlineMs() != null && budget.deadlineMs() < 0) {
      out.add(
          where + ".deadlineMs: expected an integer >= 0 or absent, got " + budget.deadlineMs());
    }
    return out;
  }

  /**
   * {@link #problems} plus the bounds a budget from outside (a run's input) must keep, so that no
   * sum, no deadline instant and no dollar figure can overflow. Internal pools (a delegation's
   * unbounded one) are not held to them.
   */
  public static List<String> inputProblems(String where, Budget budget) {
    List<String> out = problems(where, budget);
    if (budget == null) {
      return out;
    }
    atMost(out, where + ".maxIterations", budget.maxIterations());
    atMost(out, where + ".maxTokens", budget.maxTokens());
    if (budget.maxUsd() != null && budget.maxUsd().compareTo(MAX_USD) > 0) {
      out.add(
          where
              + ".maxUsd: expected a dollar amount of at most "
              + MAX_USD.toPlainString()
              + " or absent (absent = dollars not capped), got "
              + shortNumber(budget.maxUsd()));
    }
    if (budget.deadlineMs() != null && budget.deadlineMs() > MAX_DEADLINE_MS) {
      out.add(
          where
              + ".deadlineMs: expected at most "
              + MAX_DEADLINE_MS
              + " (ten years) or absent, got "
              + budget.deadlineMs());
    }
    return out;
  }

  private static void atMost(List<String> out, String field, Long value) {
    if (value != null && value > MAX_COUNT) {
      out.add(field + ": expected an integer of at most " + MAX_COUNT + ", got " + value);
    }
  }

  /** Throws {@link IllegalArgumentException} listing every problem. */
  public static void require(String where, Budget budget) {
    List<String> problems = problems(where, budget);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  static boolean fitsUsd(BigDecimal want, BigDecimal free) {
    return want.compareTo(free) <= 0;
  }

  private static void nonNegative(List<String> out, String field, Long value) {
    if (value == null) {
      out.add(field + ": expected an integer >= 0, got nothing (the field is required)");
    } else if (value < 0) {
      out.add(field + ": expected an integer >= 0, got " + value);
    }
  }

  /** A number as typed, shortened when it is huge (1e309 has 310 digits). */
  private static String shortNumber(BigDecimal v) {
    String plain = v.precision() - v.scale() > 30 ? v.toString() : v.toPlainString();
    return plain.length() > 40 ? plain.substring(0, 40) + "..." : plain;
  }
}
