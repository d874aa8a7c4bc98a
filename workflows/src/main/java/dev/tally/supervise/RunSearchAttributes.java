package dev.tally.supervise;

import dev.tally.visibility.SearchAttributeGate;
import dev.tally.visibility.TallySearchKeys;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The search attributes of a supervised run: {@code pending} at start (set by a starter that opts
 * in), {@code running}, then the outcome ({@code winner} or the no-winner reason) with the spend.
 * Only the root run sets them (through its {@link SearchAttributeGate}); nested drivers are child
 * workflows and never count as runs.
 */
public final class RunSearchAttributes {
  public static final SearchAttributeKey<String> STATUS = TallySearchKeys.STATUS;
  public static final SearchAttributeKey<String> PROFILE = TallySearchKeys.PROFILE;
  public static final SearchAttributeKey<String> NAMESPACE = TallySearchKeys.NAMESPACE;
  public static final SearchAttributeKey<Double> SPENT_USD = TallySearchKeys.SPENT_USD;
  public static final SearchAttributeKey<Long> SPENT_TOKENS = TallySearchKeys.SPENT_TOKENS;

  /** Every key, for registration on a server. */
  public static final List<SearchAttributeKey<?>> ALL = TallySearchKeys.ALL;

  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String WINNER = "winner";
  public static final String INVALID_REQUEST = "invalid-request";

  private final SearchAttributeGate gate;

  private RunSearchAttributes(SearchAttributeGate gate) {
    this.gate = gate;
  }

  /** The root run's attributes, or none for a nested driver ({@code depth > 0}). */
  static RunSearchAttributes forDepth(int depth) {
    return new RunSearchAttributes(
        depth == 0 ? SearchAttributeGate.forRootRun() : SearchAttributeGate.closed());
  }

  /** The attributes of a request refused before its run began. */
  static RunSearchAttributes forRefusal() {
    return new RunSearchAttributes(SearchAttributeGate.forNewUpserts());
  }

  /** The attributes a starter sets to opt in. */
  public static SearchAttributes atStart(String profile, String namespace) {
    SearchAttributes.Builder b =
        SearchAttributes.newBuilder().set(STATUS, PENDING).set(PROFILE, profile);
    if (namespace != null) {
      b.set(NAMESPACE, namespace);
    }
    return b.build();
  }

  void running() {
    if (Workflow.getTypedSearchAttributes().containsKey(PROFILE)) {
      gate.upsert(List.of(STATUS.valueSet(RUNNING)));
    } else {
      // Started without attributes (the Temporal CLI, another SDK): the profile is ours to set.
      gate.upsert(List.of(STATUS.valueSet(RUNNING), PROFILE.valueSet("run")));
    }
  }

  /** Paused at its budget ({@code onBudgetExhausted: "pause"}): findable as paused. */
  void paused() {
    gate.upsert(List.of(STATUS.valueSet(RunStatus.PAUSED)));
  }

  /** Back to running after a raise. */
  void resumed() {
    gate.upsert(List.of(STATUS.valueSet(RUNNING)));
  }

  /** A request refused before the run began: findable as {@value #INVALID_REQUEST}. */
  void refused() {
    gate.upsert(List.of(STATUS.valueSet(INVALID_REQUEST), PROFILE.valueSet("run")));
  }

  /** The final status and spend, written once as the run ends. */
  void ended(RunResult result) {
    String status = RunResult.WINNER.equals(result.kind()) ? WINNER : result.reason();
    gate.upsert(
        List.of(
            STATUS.valueSet(status),
            SPENT_USD.valueSet(result.spentTotal().usd().doubleValue()),
            SPENT_TOKENS.valueSet(result.spentTotal().tokens())));
  }
}
