package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.temporal.workflow.CancellationScope;
import java.util.ArrayList;
import java.util.List;

/**
 * What signals delivered to a run. Kept apart from the driver so a signal that arrives before the
 * workflow method has built its state is never lost; part of the run's state, so it is carried
 * across continue-as-new.
 */
final class Inbox {
  String cancelReason;

  /** Whether some cancel asked for the router call in flight to be aborted. */
  boolean abortCalls;

  final List<Feedback> feedback = new ArrayList<>();
  String rejectedFeedback;

  /** Worker outcomes reported by signal that no crew has taken yet. */
  final List<WorkerOutcome> reports = new ArrayList<>();

  /** The inbox as a continued run carries it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Carried(
      String cancelReason, boolean abortCalls, List<Feedback> feedback, String rejectedFeedback) {}

  Carried carried() {
    return new Carried(cancelReason, abortCalls, List.copyOf(feedback), rejectedFeedback);
  }

  /**
   * Takes what the previous run of the chain had received. Signals that reached this run before its
   * workflow method began stay, after the carried ones.
   */
  void takeCarried(Carried c) {
    if (c == null) {
      return;
    }
    if (c.cancelReason() != null) {
      cancelReason = c.cancelReason();
    }
    abortCalls |= c.abortCalls();
    feedback.addAll(0, c.feedback());
    if (rejectedFeedback == null) {
      rejectedFeedback = c.rejectedFeedback();
    }
  }

  void cancel(CancelRequest request) {
    abortCalls |= request == null || request.abortsCallInFlight();
    if (cancelReason == null) {
      String reason = request == null ? null : request.reason();
      cancelReason = reason == null || reason.isBlank() ? "cancelled" : reason;
    }
  }

  /**
   * Whether the run (or worker) is cancelled, by the {@code cancel} signal or by Temporal: a
   * cancellation request on the workflow is recorded here the first time it is seen.
   */
  boolean cancelled() {
    if (cancelReason == null && CancellationScope.current().isCancelRequested()) {
      cancel(new CancelRequest("cancelled through Temporal"));
    }
    return cancelReason != null;
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
