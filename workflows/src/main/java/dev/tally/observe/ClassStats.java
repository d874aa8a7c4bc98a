package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the observer knows of one task class: what the playbook is built from, carried across
 * continue-as-new.
 *
 * @param profile the class's profile
 * @param labels the class's labels
 * @param ops ops of the class
 * @param successes of which produced a result
 * @param successSpent what the successes spent, summed
 * @param successDurationMs their durations summed
 * @param models successes per model that did work in them
 * @param budgets successes per root budget they ran under, as {@link #budgetText}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClassStats(
    String profile,
    Map<String, String> labels,
    long ops,
    long successes,
    Spend successSpent,
    long successDurationMs,
    Map<String, Long> models,
    Map<String, Long> budgets) {

  public ClassStats {
    labels = labels == null ? Map.of() : new TreeMap<>(labels);
    successSpent = successSpent == null ? Spend.ZERO : successSpent;
    models = models == null ? new TreeMap<>() : new TreeMap<>(models);
    budgets = budgets == null ? new TreeMap<>() : new TreeMap<>(budgets);
  }

  /** A class with nothing in it yet. */
  public static ClassStats empty(Op op) {
    return new ClassStats(op.profile(), op.labels(), 0, 0, Spend.ZERO, 0, null, null);
  }

  /** This class with {@code op} counted. */
  public ClassStats plus(Op op) {
    if (!op.succeeded()) {
      return new ClassStats(
          profile, labels, ops + 1, successes, successSpent, successDurationMs, models, budgets);
    }
    Map<String, Long> m = new TreeMap<>(models);
    op.models().forEach(model -> m.merge(model, 1L, Long::sum));
    Map<String, Long> b = new TreeMap<>(budgets);
    if (op.budget() != null) {
      b.merge(budgetText(op.budget()), 1L, Long::sum);
    }
    return new ClassStats(
        profile,
        labels,
        ops + 1,
        successes + 1,
        successSpent.plus(op.spent()),
        successDurationMs + op.durationMs(),
        m,
        b);
  }

  /** A budget as a playbook line says it: {@code maxTokens=N[, maxUsd=$X]}. */
  public static String budgetText(Budget b) {
    StringBuilder s = new StringBuilder("maxTokens=").append(b.maxTokens());
    if (b.maxUsd() != null) {
      s.append(", maxUsd=$").append(b.maxUsd().toPlainString());
    }
    return s.toString();
  }
}
