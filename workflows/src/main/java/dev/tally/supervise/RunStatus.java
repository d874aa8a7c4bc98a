package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Spend;
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
    RunResult result) {

  /** One worker as the status query shows it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WorkerView(
      String id, String profile, String label, String status, Spend spent, String reason) {}
}
