package dev.tally.supervise;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Tally's custom search attributes, which make runs findable in the Temporal UI and by visibility
 * queries ({@code TallyStatus = "winner"}).
 *
 * <p>A server refuses attributes it does not know, which would stall a workflow task forever, so
 * workflows only upsert them when the starter opted in by setting {@link #STATUS} at start: a
 * client that registered them (the CLI, {@code tally server}, the compose setup) does; a plain
 * {@code temporal workflow start} without them still runs, just without the attributes.
 */
public final class RunSearchAttributes {
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("TallyStatus");
  public static final SearchAttributeKey<String> PROFILE =
      SearchAttributeKey.forKeyword("TallyProfile");
  public static final SearchAttributeKey<String> NAMESPACE =
      SearchAttributeKey.forKeyword("TallyNamespace");
  public static final SearchAttributeKey<Double> SPENT_USD =
      SearchAttributeKey.forDouble("TallySpentUsd");
  public static final SearchAttributeKey<Long> SPENT_TOKENS =
      SearchAttributeKey.forLong("TallySpentTokens");

  /** Every key, for registration on a server. */
  public static final List<SearchAttributeKey<?>> ALL =
      List.of(STATUS, PROFILE, NAMESPACE, SPENT_USD, SPENT_TOKENS);

  public static final String RUNNING = "running";
  public static final String WINNER = "winner";

  private RunSearchAttributes() {}

  /** The attributes a starter sets to opt in. */
  public static SearchAttributes atStart(String profile, String namespace) {
    SearchAttributes.Builder b =
        SearchAttributes.newBuilder().set(STATUS, "pending").set(PROFILE, profile);
    if (namespace != null) {
      b.set(NAMESPACE, namespace);
    }
    return b.build();
  }

  /** Whether the running workflow's starter opted in. */
  static boolean enabled() {
    return Workflow.getTypedSearchAttributes().containsKey(STATUS);
  }

  static void running() {
    if (enabled()) {
      Workflow.upsertTypedSearchAttributes(STATUS.valueSet(RUNNING));
    }
  }

  /** The final status and spend, written once as the run ends. */
  static void ended(RunResult result) {
    if (!enabled()) {
      return;
    }
    String status = RunResult.WINNER.equals(result.kind()) ? WINNER : result.reason();
    List<SearchAttributeUpdate<?>> updates =
        List.of(
            STATUS.valueSet(status),
            SPENT_USD.valueSet(result.spentTotal().usd().doubleValue()),
            SPENT_TOKENS.valueSet(result.spentTotal().tokens()));
    Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
  }
}
