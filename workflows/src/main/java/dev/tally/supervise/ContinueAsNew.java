package dev.tally.supervise;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;

/**
 * When and how a root run continues-as-new. The loop asks between driver turns, the one safe point:
 * no tool call half done, no update handler mid-flight, every spawned worker started and told to
 * report to the workflow id (so none is lost between two runs). The next run gets the same request
 * with the whole {@link CarriedState}.
 */
final class ContinueAsNew {
  private ContinueAsNew() {}

  /** Whether the run should continue-as-new now: Temporal suggests it, or its history is long. */
  static boolean due(RunState s) {
    if (s.depth > 0) {
      return false;
    }
    WorkflowInfo info = Workflow.getInfo();
    return info.isContinueAsNewSuggested()
        || info.getHistoryLength() >= s.request.continueAsNewAfterEventsOrDefault();
  }

  /** Continues-as-new; never returns. {@code flush} writes the ledger entries not yet written. */
  static void now(RunState s, Crew crew, Runnable flush) {
    s.phase = "continuing";
    Workflow.await(() -> crew.allStarted() && Workflow.isEveryHandlerFinished());
    crew.handOver(Policies.HAND_OVER);
    flush.run();
    Workflow.continueAsNew(s.request.continuedWith(s.carried()));
  }
}
