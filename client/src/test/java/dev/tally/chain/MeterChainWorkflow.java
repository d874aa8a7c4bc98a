package dev.tally.chain;

import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A test-only workflow that writes a known ledger through the real {@code Meter} activity and
 * continues-as-new between batches, so the chain reader is tested on histories Temporal itself
 * wrote, not on hand-made JSON.
 */
@WorkflowInterface
public interface MeterChainWorkflow {
  String TYPE = "TallyTestMeterChain";

  @WorkflowMethod(name = TYPE)
  RunResult run(MeterChainInput input);

  /** The same shape as {@code SupervisedRun}'s query: this run's entries and the totals. */
  @QueryMethod(name = "ledger")
  LedgerView ledger();
}
