package dev.tally.supervise;

import dev.tally.ledger.LedgerTotals;
import java.util.List;

/**
 * Turns how a run ended into a {@link RunResult}. A winner needs a real, valid output from a
 * delivered worker; otherwise one reason is chosen by a fixed precedence.
 */
final class ResultClassifier {
  private ResultClassifier() {}

  /** The flags of how the loop ended. */
  record Ending(
      boolean deadlinePassed,
      String cancelReason,
      boolean poolExhausted,
      RunResult.ErrorInfo driverError,
      String stopReason) {}

  /**
   * @param settledInOrder the settled workers this run knows, in order (a continued run knows the
   *     delivered ones of earlier runs, first)
   * @param settledCount workers settled along the whole chain
   */
  static RunResult classify(
      List<WorkerSlot> settledInOrder,
      int settledCount,
      int downCount,
      Ending ending,
      LedgerTotals totals,
      int turns) {
    WorkerSlot best = null;
    // A cancelled run has no winner, even if a worker delivered while it was being drained.
    for (WorkerSlot s : ending.cancelReason() != null ? List.<WorkerSlot>of() : settledInOrder) {
      if (s.delivered()
          && (best == null || s.outcome.verdict().score() > best.outcome.verdict().score())) {
        best = s;
      }
    }
    RunResult.SpentBreakdown breakdown =
        turns > 0
            ? new RunResult.SpentBreakdown(totals.driverInference(), totals.childWork())
            : null;
    if (best != null) {
      return new RunResult(
          RunResult.WINNER,
          best.outcome.output(),
          best.outcome.outRef(),
          best.id,
          best.outcome.verdict(),
          null,
          ending.stopReason(),
          null,
          downCount,
          totals.spentTotal(),
          breakdown);
    }
    boolean anySettled = settledCount > 0;
    boolean allDown = anySettled && downCount == settledCount;
    String reason;
    String detail;
    RunResult.ErrorInfo error = null;
    if (ending.deadlinePassed()) {
      reason = RunResult.BUDGET_EXHAUSTED;
      detail = "deadline passed";
    } else if (ending.cancelReason() != null) {
      reason = RunResult.CANCELLED;
      detail = ending.cancelReason();
    } else if (allDown) {
      reason = RunResult.ALL_CHILDREN_DOWN;
      detail = downCount + " of " + settledCount + " workers down";
    } else if (ending.poolExhausted()) {
      reason = RunResult.BUDGET_EXHAUSTED;
      detail = "pool cannot fund another worker";
    } else if (ending.driverError() != null) {
      reason = RunResult.DRIVER_FAILED;
      detail = ending.driverError().type() + ": " + ending.driverError().message();
      error = ending.driverError();
    } else {
      reason = RunResult.ALL_CHILDREN_DOWN;
      detail = anySettled ? "no worker delivered a valid output" : "no worker was spawned";
    }
    return new RunResult(
        RunResult.NO_WINNER,
        null,
        null,
        null,
        null,
        reason,
        detail,
        error,
        downCount,
        totals.spentTotal(),
        breakdown);
  }
}
