package dev.tally.delegate;

import dev.tally.supervise.CancelRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A detached job: one long coding or research turn in a sandbox, advanced by short ticks, which
 * survives any worker restart, can be cancelled for real, and never returns an unvalidated result.
 */
@WorkflowInterface
public interface DelegationWorkflow {
  String TYPE = "Delegation";

  @WorkflowMethod(name = TYPE)
  DelegationResult run(DelegationRequest request);

  @SignalMethod(
      name = "cancel",
      description = "Cancel the delegation: the sandbox session is cancelled and the box released")
  void cancel(CancelRequest request);

  @SignalMethod(
      name = "feedback",
      description = "Rate the delegation (refersTo, rating {score 0..1, label?, notes}, by)")
  void feedback(DelegationFeedback feedback);

  @QueryMethod(
      name = "status",
      description = "Status, progress {iteration, phase}, result, error, costUsd, feedback")
  DelegationStatus status();
}
