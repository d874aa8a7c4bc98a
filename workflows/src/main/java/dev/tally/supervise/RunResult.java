package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Verdict;

/**
 * Output of {@code SupervisedRun}. Always carries {@code spentTotal}: real cost is paid with or
 * without a winner.
 *
 * @param kind {@code WINNER} or {@code NO_WINNER}
 * @param output the winning worker's output
 * @param outRef its content address
 * @param winnerId the winning node
 * @param verdict its verdict
 * @param reason why there is no winner: {@code budget-exhausted}, {@code cancelled}, {@code
 *     all-children-down}, {@code driver-failed}
 * @param detail a human sentence behind the reason (which budget, whose cancel)
 * @param error the driver's error when the reason is {@code driver-failed}
 * @param downCount workers that settled {@code down}
 * @param spentTotal everything this run spent, its workers included
 * @param spentBreakdown driver inference and child work, present when the driver metered anything
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(
    String kind,
    String output,
    String outRef,
    String winnerId,
    Verdict verdict,
    String reason,
    String detail,
    ErrorInfo error,
    int downCount,
    Spend spentTotal,
    SpentBreakdown spentBreakdown) {

  public static final String WINNER = "WINNER";
  public static final String NO_WINNER = "NO_WINNER";

  public static final String BUDGET_EXHAUSTED = "budget-exhausted";
  public static final String CANCELLED = "cancelled";
  public static final String ALL_CHILDREN_DOWN = "all-children-down";
  public static final String DRIVER_FAILED = "driver-failed";

  /** The same result with the output text dropped; {@code outRef} still names it. */
  public RunResult withoutOutput() {
    return new RunResult(
        kind,
        null,
        outRef,
        winnerId,
        verdict,
        reason,
        detail,
        error,
        downCount,
        spentTotal,
        spentBreakdown);
  }

  /** Driver inference plus child work equals the total on every channel. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SpentBreakdown(Spend driverInference, Spend childWork) {}

  /** A typed error: the failure type and its message. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ErrorInfo(String type, String message) {}
}
