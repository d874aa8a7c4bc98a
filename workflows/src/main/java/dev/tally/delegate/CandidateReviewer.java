package dev.tally.delegate;

import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.ValidationReport;

/** The reviewer gate over a validated coder candidate, run in workflow code before release. */
interface CandidateReviewer {
  /** Reviews the valid change in {@code lease}'s working copy; never throws for a bad review. */
  CoderReview review(SandboxLease lease, ValidationReport valid);

  /** What the reviewer is, for evidence and vetoes: {@code command:<cmd>} or {@code model:<m>}. */
  String name();
}
