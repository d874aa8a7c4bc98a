package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BudgetRulesTest {

  @Test
  void problems_validBudgets_none() {
    assertThat(BudgetRules.problems("budget", Budget.of(0, 0))).isEmpty();
    assertThat(
            BudgetRules.problems(
                "budget", Budget.of(3, 100).withMaxUsd(BigDecimal.ZERO).withDeadlineMs(0L)))
        .isEmpty();
  }

  @Test
  void problems_nullBudget_saysAnObjectWasExpected() {
    assertThat(BudgetRules.problems("perWorker", null))
        .containsExactly("perWorker: expected a budget object, got null");
  }

  @Test
  void problems_missingCounts_reportedAsMissingNotZero() {
    assertThat(BudgetRules.problems("budget", new Budget(null, null, null, null)))
        .containsExactly(
            "budget.maxIterations: expected an integer >= 0, got nothing (the field is required)",
            "budget.maxTokens: expected an integer >= 0, got nothing (the field is required)");
  }

  @Test
  void problems_negativeCounts_nameFieldAndValue() {
    assertThat(BudgetRules.problems("budget", new Budget(-2L, -7L, null, null)))
        .containsExactly(
            "budget.maxIterations: expected an integer >= 0, got -2",
            "budget.maxTokens: expected an integer >= 0, got -7");
  }

  @Test
  void problems_negativeDollars_explainsThatAbsentMeansUncapped() {
    assertThat(BudgetRules.problems("budget", Budget.of(1, 1).withMaxUsd(new BigDecimal("-1E-2"))))
        .containsExactly(
            "budget.maxUsd: expected a finite number >= 0 or absent (absent = dollars not capped),"
                + " got -0.01");
  }

  @Test
  void problems_negativeDeadline_nameFieldAndValue() {
    assertThat(BudgetRules.problems("budget", Budget.of(1, 1).withDeadlineMs(-1L)))
        .containsExactly("budget.deadlineMs: expected an integer >= 0 or absent, got -1");
  }

  @Test
  void require_severalProblems_throwsListingEveryOne() {
    Budget bad = new Budget(-1L, null, new BigDecimal("-3"), -4L);

    assertThatThrownBy(() -> BudgetRules.require("spawn budget", bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            String.join(
                "; ",
                "spawn budget.maxIterations: expected an integer >= 0, got -1",
                "spawn budget.maxTokens: expected an integer >= 0, got nothing (the field is"
                    + " required)",
                "spawn budget.maxUsd: expected a finite number >= 0 or absent (absent = dollars not"
                    + " capped), got -3",
                "spawn budget.deadlineMs: expected an integer >= 0 or absent, got -4"));
  }

  @Test
  void mergedOver_partialOverride_keepsDefaultsElsewhere() {
    Budget defaults = Budget.of(2, 1_000).withMaxUsd(new BigDecimal("0.10")).withDeadlineMs(5L);

    Budget merged = new Budget(null, 300L, null, null).mergedOver(defaults);

    assertThat(merged).isEqualTo(new Budget(2L, 300L, new BigDecimal("0.10"), 5L));
  }
}
