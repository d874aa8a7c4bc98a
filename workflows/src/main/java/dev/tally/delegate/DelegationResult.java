package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.export.EvalRunEvent;
import dev.tally.ledger.Spend;
import java.math.BigDecimal;
import java.util.List;

/**
 * Output of {@code Delegation}: how it ended. A failed or cancelled delegation also ends here
 * rather than failing the workflow, so its evidence and cost stay readable from the result.
 *
 * @param taskId the task (and workflow) id
 * @param profile the profile
 * @param namespace the namespace, if any
 * @param status {@code completed}, {@code failed} or {@code cancelled}
 * @param result the validated result (completed only): a coder's {@link CodeChange} or a
 *     researcher's {@link ResearchAnswer}
 * @param error why it failed or was cancelled
 * @param costUsd dollars spent when known
 * @param spent everything spent, with its honesty flags
 * @param startedAt ISO-8601
 * @param completedAt ISO-8601
 * @param turns each sandbox turn
 * @param feedback every feedback signal received while it ran, in order
 * @param winner the session of the winning candidate (completed coder and researcher delegations)
 * @param evalRecord the eval-run record it exported, when the request asked for one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DelegationResult(
    String taskId,
    String profile,
    String namespace,
    String status,
    JsonNode result,
    DelegationError error,
    BigDecimal costUsd,
    Spend spent,
    String startedAt,
    String completedAt,
    List<TurnView> turns,
    List<DelegationFeedback> feedback,
    String winner,
    EvalRunEvent evalRecord) {

  /** This result carrying the eval-run record it exported. */
  DelegationResult withEvalRecord(EvalRunEvent record) {
    return new DelegationResult(
        taskId,
        profile,
        namespace,
        status,
        result,
        error,
        costUsd,
        spent,
        startedAt,
        completedAt,
        turns,
        feedback,
        winner,
        record);
  }
}
