package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Signal {@code feedback}: a human or judge rating of the run. Appended, never deduplicated away.
 *
 * @param score 0..1
 * @param label a short tag
 * @param notes free text
 * @param by who rated
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feedback(Double score, String label, String notes, String by) {}
