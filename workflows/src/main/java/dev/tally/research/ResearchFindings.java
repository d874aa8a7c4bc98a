package dev.tally.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A researcher's structured result, as the harness returned it: {@code {answer, facts, sources}}.
 *
 * @param answer the prose answer
 * @param facts every fact proposed, each with its grounding
 * @param sources the sources drawn on; facts may name one by {@code ref} instead of carrying its
 *     text
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchFindings(
    String answer, List<ResearchFact> facts, List<ResearchSource> sources) {
  public ResearchFindings {
    facts = facts == null ? List.of() : List.copyOf(facts);
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  /** Each source's text by its ref (a source without text maps to null); the first ref wins. */
  Map<String, String> sourceTexts() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ResearchSource s : sources) {
      if (s.ref() != null) {
        out.putIfAbsent(s.ref(), s.text());
      }
    }
    return out;
  }
}
