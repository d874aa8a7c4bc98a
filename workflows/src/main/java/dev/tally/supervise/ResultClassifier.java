package dev.tally.supervise;

import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Verdict;
import java.util.List;
import java.util.Map;

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
   * Who may choose the winner: the driver's pick (named by {@code stop}), else the judge's highest
   * score, else the first delivered.
   */
  record Choice(String driverPick, Map<String, Verdict> judged) {
    static final Choice FIRST = new Choice(null, Map.of());
  }

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
      Choice choice,
      LedgerTotals totals,
      int turns) {
    WorkerSlot best = null;
    Verdict verdict = null;
    // A cancelled run has no winner, even if a worker delivered while it was being drained.
    List<WorkerSlot> delivered =
        ending.cancelReason() != null
            ? List.of()
            : settledInOrder.stream().filter(WorkerSlot::delivered).toList();
    for (WorkerSlot s : delivered) {
      if (s.id.equals(choice.driverPick())) {
        best = s;
        verdict = s.outcome.verdict().chosenBy(Verdict.DRIVER);
      }
    }
    for (WorkerSlot s : best == null ? delivered : List.<WorkerSlot>of()) {
      Verdict judged = choice.judged().get(s.id);
      if (judged != null && (verdict == null || judged.score() > verdict.score())) {
        best = s;
        verdict = judged.chosenBy(Verdict.JUDGE);
      }
    }
    for (WorkerSlot s : best == null ? delivered : List.<WorkerSlot>of()) {
      if (verdict == null || s.outcome.verdict().score() > verdict.score()) {
        best = s;
        verdict = s.outcome.verdict().chosenBy(Verdict.FIRST);
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
          verdict,
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
