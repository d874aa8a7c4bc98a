package dev.tally.supervise;

import java.util.ArrayList;
import java.util.List;

/**
 * What signals delivered to a run. Kept apart from the driver so a signal that arrives before the
 * workflow method has built its state is never lost.
 */
final class Inbox {
  String cancelReason;

  /** Whether some cancel asked for the router call in flight to be aborted. */
  boolean abortCalls;

  final List<Feedback> feedback = new ArrayList<>();
  String rejectedFeedback;

  void cancel(CancelRequest request) {
    abortCalls |= request == null || request.abortsCallInFlight();
    if (cancelReason == null) {
      String reason = request == null ? null : request.reason();
      cancelReason = reason == null || reason.isBlank() ? "cancelled" : reason;
    }
  }

  void feedback(Feedback f) {
    List<String> problems = FeedbackRules.problems(f);
    if (!problems.isEmpty()) {
      // A signal cannot be refused, so a bad rating is kept out of the record and reported.
      rejectedFeedback = String.join("; ", problems);
      return;
    }
    feedback.add(f);
  }
}
