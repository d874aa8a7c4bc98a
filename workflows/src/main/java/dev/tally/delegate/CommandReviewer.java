package dev.tally.delegate;

import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.ReviewChangeRequest;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.ValidationReport;
import io.temporal.failure.ActivityFailure;

/** {@code {kind: "command", cmd}}: the command runs in the candidate's working copy. */
final class CommandReviewer implements CandidateReviewer {
  private final SandboxActivities sandbox;
  private final String command;

  CommandReviewer(SandboxActivities sandbox, String command) {
    this.sandbox = sandbox;
    this.command = command;
  }

  @Override
  public CoderReview review(SandboxLease lease, ValidationReport valid) {
    try {
      // The review runs in the candidate's box, so on the box's host (SPEC §9); a lease from
      // before host affinity names none and keeps the stub it was given.
      SandboxActivities onHost =
          lease.hostTaskQueue() == null ? sandbox : DelegationPolicies.sandboxOnHost(lease);
      return onHost.reviewChange(
          new ReviewChangeRequest(
              lease.sandboxId(), lease.sessionId(), lease.baseCommit(), command));
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof io.temporal.failure.CanceledFailure) {
        throw e;
      }
      // Fail-closed: a reviewer that could not run approves nothing.
      return CoderReview.failed("reviewer command could not run: " + e.getCause().getMessage());
    }
  }

  @Override
  public String name() {
    return "command:" + command;
  }
}
