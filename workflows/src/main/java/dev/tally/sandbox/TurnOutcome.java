package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a sandbox turn ended. Never thrown: every path, cancellation included, ends in one of these,
 * after the box was released.
 *
 * @param sessionId the session
 * @param state {@code completed}, {@code failed} or {@code cancelled}
 * @param sessionRef {@code sandbox=<id>;session=<id>} once a box was bound, else null
 * @param text the turn's answer, when it completed
 * @param output the settled result (completed only)
 * @param evidence what settling was based on, whatever it decided
 * @param usage the turn's usage receipt, when there was one
 * @param dispatched whether the turn was handed to the box (so it may have cost something)
 * @param ticks {@code DriveTurn} passes made
 * @param errorKind a failure type name (failed and cancelled only)
 * @param errorMessage what went wrong (failed and cancelled only)
 * @param cleanupError why cancelling or releasing the box failed, if it did
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnOutcome(
    String sessionId,
    String state,
    String sessionRef,
    String text,
    JsonNode output,
    JsonNode evidence,
    TurnUsage usage,
    boolean dispatched,
    int ticks,
    String errorKind,
    String errorMessage,
    String cleanupError) {
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  @JsonIgnore
  public boolean isCompleted() {
    return COMPLETED.equals(state);
  }

  @JsonIgnore
  public boolean isCancelled() {
    return CANCELLED.equals(state);
  }

  TurnOutcome withCleanupError(String error) {
    return new TurnOutcome(
        sessionId,
        state,
        sessionRef,
        text,
        output,
        evidence,
        usage,
        dispatched,
        ticks,
        errorKind,
        errorMessage,
        error);
  }
}
