package dev.tally.supervise;

import io.temporal.workflow.Workflow;

/**
 * Workflow changes that alter the commands a workflow emits, each behind {@code
 * Workflow.getVersion}, so histories recorded before the change keep replaying.
 */
final class Versions {
  /**
   * Drivers a model can drive: a nested driver reports its spend after each turn ({@code
   * workerProgress}), a {@code driver} spawn without a budget gets room for its own children, and
   * one whose budget cannot fund a child is refused.
   */
  static final String DRIVERS = "drivers";

  private Versions() {}

  /** Whether this execution has the {@value #DRIVERS} change (false when replaying older runs). */
  static boolean drivers() {
    return Workflow.getVersion(DRIVERS, Workflow.DEFAULT_VERSION, 1) >= 1;
  }
}
