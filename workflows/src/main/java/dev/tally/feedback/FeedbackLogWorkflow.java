package dev.tally.feedback;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The durable feedback record of one run or delegation, workflow id {@code fb-<targetId>}.
 *
 * <p>A closed workflow takes no signals, yet results are rated after they close, so ratings live in
 * a workflow of their own: one per target, started by signal-with-start on the first rating and
 * kept open (continuing as new to keep its history short). Listing a target's feedback is a query
 * by a known id, which needs no visibility store and so works on the embedded test server too.
 */
@WorkflowInterface
public interface FeedbackLogWorkflow {
  String TYPE = "FeedbackLog";
  String RECORD_SIGNAL = "record";
  String FEEDBACK_QUERY = "feedback";
  String ID_PREFIX = "fb-";

  @WorkflowMethod(name = TYPE)
  void run(FeedbackLog state);

  @SignalMethod(
      name = RECORD_SIGNAL,
      description = "Record a rating or gate decision; a gate re-exports the eval record")
  void record(FeedbackSubmission submission);

  @QueryMethod(name = FEEDBACK_QUERY, description = "Every rating and gate decision recorded")
  FeedbackLog feedback();

  /** The log's workflow id for {@code targetId}. */
  static String workflowId(String targetId) {
    return ID_PREFIX + targetId;
  }
}
