package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * Ceilings for a run or one spawn. Fields are nullable on the wire so that a partial budget (a
 * spawn's override) can merge over a default and so that a missing required field is reported as
 * missing rather than read as zero; {@link BudgetRules} checks a budget before it is used.
 *
 * @param maxIterations child rounds, an integer {@code >= 0}
 * @param maxTokens input plus output tokens, an integer {@code >= 0}
 * @param maxUsd dollar ceiling; {@code null} means dollars are not capped (not $0)
 * @param deadlineMs relative to run start; {@code null} means no deadline
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Budget(Long maxIterations, Long maxTokens, BigDecimal maxUsd, Long deadlineMs) {

  /** A budget with tokens and iterations only: dollars uncapped, no deadline. */
  public static Budget of(long maxIterations, long maxTokens) {
    return new Budget(maxIterations, maxTokens, null, null);
  }

  public Budget withMaxUsd(BigDecimal usd) {
    return new Budget(maxIterations, maxTokens, usd, deadlineMs);
  }

  public Budget withDeadlineMs(Long ms) {
    return new Budget(maxIterations, maxTokens, maxUsd, ms);
  }

  /** This budget's fields where set, the defaults' fields elsewhere. */
  public Budget mergedOver(Budget defaults) {
    if (defaults == null) {
      return this;
    }
    return new Budget(
        maxIterations != null ? maxIterations : defaults.maxIterations,
        maxTokens != null ? maxTokens : defaults.maxTokens,
        maxUsd != null ? maxUsd : defaults.maxUsd,
        deadlineMs != null ? deadlineMs : defaults.deadlineMs);
  }

  /** Iterations as a number, zero when unset; only meaningful after validation. */
  public long iterations() {
    return maxIterations == null ? 0 : maxIterations;
  }

  /** Tokens as a number, zero when unset; only meaningful after validation. */
  public long tokens() {
    return maxTokens == null ? 0 : maxTokens;
  }

  public boolean usdCapped() {
    return maxUsd != null;
  }
}
