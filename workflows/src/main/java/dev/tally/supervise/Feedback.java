package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Signal {@code feedback} (and update {@code rate}): a human or judge rating of the run. Appended,
 * never deduplicated away.
 *
 * @param score 0..1
 * @param label a short tag
 * @param notes free text
 * @param by who rated
 * @param inputProblems what was wrong with the JSON this rating was read from (unknown fields,
 *     wrong types), set by {@link FeedbackReader}; never on the wire
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feedback(
    Double score, String label, String notes, String by, @JsonIgnore List<String> inputProblems) {

  /** A rating as clients build it. */
  public Feedback(Double score, String label, String notes, String by) {
    this(score, label, notes, by, null);
  }

  /** The same rating with what was wrong with its JSON. */
  Feedback withInputProblems(List<String> problems) {
    return new Feedback(score, label, notes, by, List.copyOf(problems));
  }
}
