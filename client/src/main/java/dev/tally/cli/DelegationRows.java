package dev.tally.cli;

import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.feedback.FeedbackLog;
import dev.tally.feedback.FeedbackLogWorkflow;
import java.util.LinkedHashMap;
import java.util.Map;

/** A delegation as the CLI shows it: its state with the ratings of its feedback log merged in. */
final class DelegationRows {
  private DelegationRows() {}

  /** The delegation's state; ratings given after it closed come from its feedback log. */
  static DelegationStatus state(TemporalSession session, String taskId) {
    DelegationStatus state = DelegationSubmitter.stateOf(session.client(), taskId);
    TemporalSession.Answer<FeedbackLog> log =
        session.queryIfExists(
            FeedbackLogWorkflow.workflowId(taskId),
            FeedbackLogWorkflow.FEEDBACK_QUERY,
            FeedbackLog.class);
    return log.answered() ? state.withLoggedFeedback(log.value().events()) : state;
  }

  /** The fields a history row adds for a delegation: its own status, cost and feedback count. */
  static Map<String, Object> summary(DelegationStatus s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", s.status());
    doc.put("profile", s.profile());
    if (s.costUsd() != null) {
      doc.put("costUsd", s.costUsd());
    }
    if (s.spent() != null) {
      doc.put("spent", s.spent());
    }
    doc.put("feedback", s.feedback() == null ? 0 : s.feedback().size());
    if (s.error() != null) {
      doc.put("error", s.error());
    }
    return doc;
  }

  /** Money as the table shows it: billed, catalog or a floor, never an unknown $0. */
  static String cost(DelegationStatus s) {
    return s.spent() == null ? "" : Money.usd(s.spent());
  }
}
