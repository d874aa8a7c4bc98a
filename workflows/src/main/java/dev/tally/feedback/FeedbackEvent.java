package dev.tally.feedback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.export.EvalRunEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One rating or gate decision about a run or delegation, recorded whether the target is still open
 * or long closed.
 *
 * @param eventId stable per submission, so a retried submission is recorded once
 * @param targetId the workflow id of the rated run or delegation
 * @param kind {@code feedback} or {@code gate}
 * @param score for feedback: 0..1
 * @param label a short tag
 * @param notes free text
 * @param by who rated or decided
 * @param capturedAt ISO-8601 instant the submission was made
 * @param gateDecision for a gate: {@code ship}, {@code hold}, {@code need_more_work}, {@code
 *     model_ceiling} or {@code arch_ceiling}
 * @param holdoutLift for a gate: the lift measured on a holdout set, if any
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeedbackEvent(
    String eventId,
    String targetId,
    String kind,
    Double score,
    String label,
    String notes,
    String by,
    String capturedAt,
    String gateDecision,
    Double holdoutLift) {

  public static final String FEEDBACK = "feedback";
  public static final String GATE = "gate";

  /** Every problem with this event, each naming the field, what was expected and what was got. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (eventId == null || eventId.isBlank()) {
      out.add("eventId: expected a non-blank id, got " + quoted(eventId));
    }
    if (targetId == null || targetId.isBlank()) {
      out.add("targetId: expected a workflow id, got " + quoted(targetId));
    }
    if (FEEDBACK.equals(kind)) {
      if (score == null || !(score >= 0 && score <= 1)) {
        out.add("score: expected a number in 0..1, got " + score);
      }
    } else if (GATE.equals(kind)) {
      if (!EvalRunEvent.GATE_DECISIONS.contains(gateDecision)) {
        out.add(
            "gateDecision: expected one of "
                + EvalRunEvent.GATE_DECISIONS
                + ", got "
                + quoted(gateDecision));
      }
      if (holdoutLift != null && !Double.isFinite(holdoutLift)) {
        out.add("holdoutLift: expected a finite number, got " + holdoutLift);
      }
    } else {
      out.add("kind: expected feedback or gate, got " + quoted(kind));
    }
    return out;
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
