package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.feedback.FeedbackEvent;
import dev.tally.json.Json;
import java.util.List;

/**
 * Signal {@code feedback}: a rating of the delegation or something it produced. Appended, never
 * deduplicated away.
 *
 * @param refersTo what is rated, e.g. {@code {kind: "delegation", ref: "<taskId>"}}
 * @param rating the rating
 * @param by who rated ({@code agent}, {@code user}, {@code downstream-judge})
 * @param capturedAt when (ISO-8601), if the rater said
 * @param inputProblems what was wrong with the JSON this feedback was read from (unknown fields,
 *     wrong types), set by {@link DelegationFeedbackReader}; never on the wire
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DelegationFeedback(
    JsonNode refersTo,
    Rating rating,
    String by,
    String capturedAt,
    @JsonIgnore List<String> inputProblems) {

  /** Feedback as clients build it. */
  public DelegationFeedback(JsonNode refersTo, Rating rating, String by, String capturedAt) {
    this(refersTo, rating, by, capturedAt, null);
  }

  /** The same feedback with what was wrong with its JSON. */
  DelegationFeedback withInputProblems(List<String> problems) {
    return new DelegationFeedback(refersTo, rating, by, capturedAt, List.copyOf(problems));
  }

  /**
   * A score with words.
   *
   * @param score 0..1
   * @param label {@code good}, {@code bad}, {@code neutral} or {@code mixed}
   * @param notes free text
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rating(Double score, String label, String notes) {}

  /** A rating from the delegation's feedback log, as the {@code feedback} signal would carry it. */
  public static DelegationFeedback fromLog(FeedbackEvent e) {
    ObjectNode refersTo = Json.CANONICAL.createObjectNode();
    refersTo.put("kind", "delegation");
    refersTo.put("ref", e.targetId());
    return new DelegationFeedback(
        refersTo, new Rating(e.score(), e.label(), e.notes()), e.by(), e.capturedAt());
  }

  /** Why this feedback cannot be recorded, or null when it can. */
  String problem() {
    if (inputProblems != null && !inputProblems.isEmpty()) {
      return String.join("; ", inputProblems);
    }
    if (rating == null) {
      return "feedback.rating: expected {score, label?, notes}, got nothing";
    }
    Double score = rating.score();
    if (score == null || !(score >= 0 && score <= 1)) {
      return "feedback.rating.score: expected a number in 0..1, got " + score;
    }
    return null;
  }
}
