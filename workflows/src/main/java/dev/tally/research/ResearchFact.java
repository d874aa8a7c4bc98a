package dev.tally.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One fact a researcher proposes, with its grounding.
 *
 * @param claim the atomic claim
 * @param value the value the claim asserts (a string or a number), if any; it must appear in the
 *     passage
 * @param verbatimPassage the span lifted from the source that backs the claim
 * @param sourceText the raw source text the passage must appear in; or absent when {@code
 *     sourceRef} names one of the result's {@code sources}
 * @param sourceRef the {@code ref} of the source (in the result's {@code sources}) whose {@code
 *     text} backs the passage
 * @param citation where the fact says it comes from; checked for circular (self) citations
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchFact(
    String claim,
    JsonNode value,
    String verbatimPassage,
    String sourceText,
    String sourceRef,
    String citation) {

  /** The value as text ({@code 42}, {@code 3.5}, {@code "Berlin"}), or null when there is none. */
  public String valueText() {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
