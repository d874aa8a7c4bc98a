package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.json.Json;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Verdict;

/**
 * Output of {@code WorkerTask}. A worker never fails its parent: trouble comes back as {@code
 * down}.
 *
 * @param nodeId the worker
 * @param status {@code done}, {@code down} or {@code cancelled}
 * @param output the delivered text (done only)
 * @param outRef its content address
 * @param verdict how good it is
 * @param driverInference a nested driver's own inference (its nested drivers' included), re-homed
 *     by the parent as one {@code metered} entry; null for leaf workers
 * @param childWork what the worker's own work cost (for a nested driver: its children)
 * @param reason why it is down or cancelled
 * @param infra true when down for infrastructure reasons rather than the work itself
 * @param model the model that did the work (a nested driver's driver model)
 * @param turns model calls made (a nested driver's driver turns)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerOutcome(
    String nodeId,
    String status,
    String output,
    String outRef,
    Verdict verdict,
    Spend driverInference,
    Spend childWork,
    String reason,
    Boolean infra,
    String model,
    int turns) {

  public static final String DONE = "done";
  public static final String DOWN = "down";
  public static final String CANCELLED = "cancelled";

  /**
   * A leaf worker's outcome (no nested inference): a delivered one carries its output's content
   * address and a valid verdict of score 1.0.
   */
  static WorkerOutcome leaf(
      String nodeId,
      String status,
      String output,
      Spend spent,
      String reason,
      Boolean infra,
      String model,
      int turns,
      String verdictNotes) {
    boolean done = DONE.equals(status);
    return new WorkerOutcome(
        nodeId,
        status,
        output,
        done ? Json.contentRef(output) : null,
        done ? new Verdict(true, 1.0, verdictNotes) : null,
        null,
        spent,
        reason,
        infra,
        model,
        turns);
  }

  /** Everything this worker spent: its own inference and its work. */
  public Spend spent() {
    Spend work = childWork == null ? Spend.ZERO : childWork;
    return driverInference == null ? work : driverInference.plus(work);
  }
}
