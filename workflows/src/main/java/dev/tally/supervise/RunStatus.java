package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Shortfall;
import dev.tally.ledger.Spend;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Query {@code status}: where a run (or worker) is now.
 *
 * @param runId the workflow id
 * @param profile {@code run} for a supervised run, else the worker profile
 * @param phase {@code starting}, {@code driving}, {@code awaiting}, {@code joining}, {@code done}
 * @param turn driver turns taken
 * @param workers every worker spawned so far with its state
 * @param pool the pool readout (null for a leaf worker)
 * @param spent spent so far
 * @param lastError the last driver or tool error, if any
 * @param feedback every feedback signal received, in order
 * @param result the result once the run has ended
 * @param pausedReason while {@code phase} is {@code paused}: why ({@code onBudgetExhausted:
 *     "pause"})
 * @param shortfalls while paused for the pool: what a default worker would need and what is free
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
    String runId,
    String profile,
    String phase,
    int turn,
    List<WorkerView> workers,
    PoolReadout pool,
    Spend spent,
    String lastError,
    List<Feedback> feedback,
    RunResult result,
    String pausedReason,
    List<Shortfall> shortfalls) {

  public static final String PAUSED = "paused";

  /** A status without a pause. */
  public RunStatus(
      String runId,
      String profile,
      String phase,
      int turn,
      List<WorkerView> workers,
      PoolReadout pool,
      Spend spent,
      String lastError,
      List<Feedback> feedback,
      RunResult result) {
    this(
        runId, profile, phase, turn, workers, pool, spent, lastError, feedback, result, null, null);
  }

  /** A run or worker whose workflow method has not built its state yet. */
  static RunStatus starting(String profile, Inbox inbox) {
    return new RunStatus(
        Workflow.getInfo().getWorkflowId(),
        profile,
        "starting",
        0,
        List.of(),
        null,
        null,
        inbox.rejectedFeedback,
        List.copyOf(inbox.feedback),
        null);
  }

  /** One worker as the status query shows it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WorkerView(
      String id, String profile, String label, String status, Spend spent, String reason) {}
}
