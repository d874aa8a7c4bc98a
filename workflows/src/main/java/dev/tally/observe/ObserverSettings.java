package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Budget;
import java.util.ArrayList;
import java.util.List;

/**
 * How an observer runs, fixed when it first starts (the start input of the signal-with-start that
 * creates it) and carried across continue-as-new. No secrets: the router key stays in the worker's
 * environment.
 *
 * @param model the model asked for a diagnosis of each digest, or null for digests without one
 * @param budget the observer's own budget for those calls: its tokens, and dollars when capped
 * @param digestEveryMs how often the durable timer loop writes a digest; 0 for on demand only
 * @param digestWindowMs how far back a digest looks for failures
 * @param minSuccesses successes a task class needs before it gets a playbook entry
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObserverSettings(
    String model, Budget budget, long digestEveryMs, long digestWindowMs, int minSuccesses) {

  public static final long DEFAULT_DIGEST_EVERY_MS = 6 * 3_600_000L;
  public static final long DEFAULT_DIGEST_WINDOW_MS = 24 * 3_600_000L;
  public static final int DEFAULT_MIN_SUCCESSES = 3;
  public static final long DEFAULT_BUDGET_TOKENS = 200_000;

  /** No model, a token budget for when one is set, a digest every six hours. */
  public static final ObserverSettings DEFAULTS =
      new ObserverSettings(
          null,
          Budget.of(0, DEFAULT_BUDGET_TOKENS),
          DEFAULT_DIGEST_EVERY_MS,
          DEFAULT_DIGEST_WINDOW_MS,
          DEFAULT_MIN_SUCCESSES);

  public ObserverSettings {
    budget = budget == null ? Budget.of(0, DEFAULT_BUDGET_TOKENS) : budget;
  }

  /** Every problem with these settings, each naming the field. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (digestEveryMs < 0) {
      out.add("digestEveryMs: expected ≥ 0 (0 for on demand only), got " + digestEveryMs);
    }
    if (digestWindowMs <= 0) {
      out.add("digestWindowMs: expected > 0, got " + digestWindowMs);
    }
    if (minSuccesses < 1) {
      out.add("minSuccesses: expected ≥ 1, got " + minSuccesses);
    }
    if (budget.maxTokens() == null || budget.maxTokens() < 0) {
      out.add("budget.maxTokens: expected a token budget ≥ 0, got " + budget.maxTokens());
    }
    return out;
  }
}
