package dev.tally.supervise;

import dev.tally.ledger.BudgetPool;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** A pool's deadline instant against workflow time. */
final class Deadlines {
  private Deadlines() {}

  static boolean reached(BudgetPool pool) {
    Long at = pool.readout().deadlineAtMs();
    return at != null && Workflow.currentTimeMillis() >= at;
  }

  /** Time left before the deadline, null when there is none. */
  static Duration untilDeadline(BudgetPool pool) {
    Long at = pool.readout().deadlineAtMs();
    return at == null ? null : Duration.ofMillis(at - Workflow.currentTimeMillis());
  }
}
