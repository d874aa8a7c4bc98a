package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A run's judge: a model that scores each delivered chat output 0..1 with a reason.
 *
 * @param model the judging model (required)
 * @param rubric what a good answer is, added to the judge's instructions (optional)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeSettings(String model, String rubric) {
  /** Longest rubric, well under Temporal's payload limit. */
  public static final int MAX_RUBRIC_CHARS = 4_000;
}
