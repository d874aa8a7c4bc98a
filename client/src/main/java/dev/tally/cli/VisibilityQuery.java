package dev.tally.cli;

import dev.tally.delegate.DelegationWorkflow;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.visibility.TallySearchKeys;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The visibility query behind {@code tally history} on a real server: Tally's workflow types,
 * narrowed by Tally's search attributes, so the server filters and the newest come first whatever
 * the namespace holds.
 */
final class VisibilityQuery {
  /** Temporal's own execution statuses, by the lower-case word a user types. */
  private static final Map<String, String> EXECUTION_STATUS =
      Map.of(
          "running", "Running",
          "completed", "Completed",
          "failed", "Failed",
          "canceled", "Canceled",
          "cancelled", "Canceled",
          "terminated", "Terminated",
          "timedout", "TimedOut",
          "timed-out", "TimedOut",
          "continuedasnew", "ContinuedAsNew");

  private VisibilityQuery() {}

  /** Every Supervised run and delegation. */
  static String all() {
    return "(WorkflowType = '"
        + SupervisedRunWorkflow.TYPE
        + "' OR WorkflowType = '"
        + DelegationWorkflow.TYPE
        + "')";
  }

  /**
   * The query for these filters; null ones are left out.
   *
   * @param kind {@code run} or {@code delegation}
   * @param status Tally's status ({@code winner}, {@code failed}, {@code budget-exhausted}, ...) or
   *     Temporal's ({@code running}, {@code completed}, ...): either matches
   */
  static String of(
      String kind,
      String profile,
      String namespace,
      String status,
      Instant since,
      BigDecimal minUsd) {
    List<String> clauses = new ArrayList<>();
    clauses.add(
        kind == null
            ? all()
            : "WorkflowType = '"
                + ("run".equals(kind) ? SupervisedRunWorkflow.TYPE : DelegationWorkflow.TYPE)
                + "'");
    if (profile != null) {
      clauses.add(TallySearchKeys.PROFILE.getName() + " = " + quoted(profile));
    }
    if (namespace != null) {
      clauses.add(TallySearchKeys.NAMESPACE.getName() + " = " + quoted(namespace));
    }
    if (status != null) {
      String tally = TallySearchKeys.STATUS.getName() + " = " + quoted(status);
      String temporal = executionStatus(status);
      clauses.add(
          temporal == null ? tally : "(" + tally + " OR ExecutionStatus = '" + temporal + "')");
    }
    if (since != null) {
      clauses.add("StartTime > '" + since + "'");
    }
    if (minUsd != null) {
      clauses.add(TallySearchKeys.SPENT_USD.getName() + " >= " + minUsd.toPlainString());
    }
    return String.join(" AND ", clauses);
  }

  /**
   * Temporal's execution status a user's word names ({@code cancelled} → {@code Canceled}), or
   * null.
   */
  static String executionStatus(String status) {
    return EXECUTION_STATUS.get(status.toLowerCase(Locale.ROOT));
  }

  /**
   * The status filter applied here, where the server cannot: the same match as the query's, Tally's
   * status or Temporal's (its own spelling, or the word that names it).
   */
  static boolean statusMatches(String status, WorkflowExecutionInfo info) {
    String temporal = TemporalSession.statusName(info.getStatus());
    String named = executionStatus(status);
    return status.equalsIgnoreCase(temporal)
        || (named != null && named.equalsIgnoreCase(temporal.replace("_", "")))
        || status.equalsIgnoreCase(
            SearchAttributeValues.text(info, TallySearchKeys.STATUS.getName()));
  }

  /** Whether {@code query} names any of Tally's own attributes (and so needs them registered). */
  static boolean usesTallyAttributes(String query) {
    return TallySearchKeys.NAMES.stream().anyMatch(query::contains);
  }

  /** A string literal of the query language: single quotes, with backslash escapes. */
  static String quoted(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
