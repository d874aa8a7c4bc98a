package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.TreeMap;

/**
 * The observer's aggregates over every op it ever logged (carried across continue-as-new): the
 * {@code stats} query of {@code Observer}.
 *
 * @param total every op
 * @param byKind run or delegation
 * @param byProfile profile
 * @param byModel each model that did work in the op (an op with two models counts in both)
 * @param byOutcome outcome
 * @param byReason reason, for ops that have one
 * @param byErrorType typed failure, for ops that have one
 * @param firstClosedAtMs when the earliest op closed, or null before any
 * @param lastClosedAtMs when the latest op closed, or null before any
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OpsAggregates(
    OpsTally total,
    Map<String, OpsTally> byKind,
    Map<String, OpsTally> byProfile,
    Map<String, OpsTally> byModel,
    Map<String, OpsTally> byOutcome,
    Map<String, OpsTally> byReason,
    Map<String, OpsTally> byErrorType,
    Long firstClosedAtMs,
    Long lastClosedAtMs) {

  public static final OpsAggregates EMPTY =
      new OpsAggregates(null, null, null, null, null, null, null, null, null);

  public OpsAggregates {
    total = total == null ? OpsTally.EMPTY : total;
    byKind = sorted(byKind);
    byProfile = sorted(byProfile);
    byModel = sorted(byModel);
    byOutcome = sorted(byOutcome);
    byReason = sorted(byReason);
    byErrorType = sorted(byErrorType);
  }

  /** These aggregates with {@code op} counted. */
  public OpsAggregates plus(Op op) {
    Map<String, OpsTally> models = new TreeMap<>(byModel);
    op.models().forEach(m -> add(models, m, op));
    return new OpsAggregates(
        total.plus(op),
        with(byKind, op.kind(), op),
        with(byProfile, op.profile(), op),
        models,
        with(byOutcome, op.outcome(), op),
        op.reason() == null ? byReason : with(byReason, op.reason(), op),
        op.errorType() == null ? byErrorType : with(byErrorType, op.errorType(), op),
        firstClosedAtMs == null ? op.closedAtMs() : Math.min(firstClosedAtMs, op.closedAtMs()),
        lastClosedAtMs == null ? op.closedAtMs() : Math.max(lastClosedAtMs, op.closedAtMs()));
  }

  private static Map<String, OpsTally> with(Map<String, OpsTally> groups, String key, Op op) {
    Map<String, OpsTally> out = new TreeMap<>(groups);
    add(out, key, op);
    return out;
  }

  private static void add(Map<String, OpsTally> groups, String key, Op op) {
    groups.merge(key == null ? "unknown" : key, OpsTally.EMPTY.plus(op), (a, b) -> a.plus(op));
  }

  private static Map<String, OpsTally> sorted(Map<String, OpsTally> m) {
    return m == null ? new TreeMap<>() : new TreeMap<>(m);
  }
}
