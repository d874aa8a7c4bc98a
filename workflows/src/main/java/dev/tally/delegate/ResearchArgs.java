package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Arguments of a {@code researcher} delegation.
 *
 * @param question what to find out
 * @param namespace where the findings belong (required)
 * @param scope what to look at or leave out
 * @param sources where to look: {@code web}, {@code corpus}, {@code twitter}, {@code github},
 *     {@code docs}
 * @param variants independent attempts, 1..8 (default 1); the first answer wins
 * @param config research settings passed to the harness ({@code recencyWindow}, {@code maxItems},
 *     {@code minConfidence})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchArgs(
    String question,
    String namespace,
    String scope,
    List<String> sources,
    Integer variants,
    JsonNode config) {

  int variantsOrDefault() {
    return variants == null ? 1 : variants;
  }
}
