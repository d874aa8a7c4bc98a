package dev.tally.supervise;

import io.temporal.workflow.Workflow;

/**
 * Workflow changes that alter the commands a workflow emits, each behind {@code
 * Workflow.getVersion}, so histories recorded before the change keep replaying.
 */
final class Versions {
  /**
   * Cost truth: every router call carries what its node can still pay for, a node with nothing left
   * makes no call, a spawn that cannot cover one minimal call is refused, and a failed call the
   * router may have billed is metered (known usage kept, the rest unknown).
   */
  static final String CALL_ADMISSION = "cost-truth";

  private Versions() {}

  /** Whether this execution admits every router call (false only when replaying older runs). */
  static boolean callAdmission() {
    return Workflow.getVersion(CALL_ADMISSION, Workflow.DEFAULT_VERSION, 1) >= 1;
  }
}
