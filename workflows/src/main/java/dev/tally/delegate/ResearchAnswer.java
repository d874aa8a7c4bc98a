package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.research.ResearchFact;
import dev.tally.research.ResearchSource;
import dev.tally.research.VetoedFact;
import java.util.List;

/**
 * A researcher delegation's result.
 *
 * @param answer the harness's answer (the structured result's {@code answer})
 * @param details what else the sandbox reported about the turn
 * @param sessionRef the session it came from
 * @param accepted the facts that passed the KB gate, in proposal order
 * @param vetoed the facts the gate refused, each with {@code vetoedBy} and {@code reason}
 * @param sources the sources the result drew on
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchAnswer(
    String answer,
    JsonNode details,
    String sessionRef,
    List<ResearchFact> accepted,
    List<VetoedFact> vetoed,
    List<ResearchSource> sources) {

  /** An answer from before grounded research (free text, no gate). */
  static ResearchAnswer ungrounded(String answer, JsonNode details, String sessionRef) {
    return new ResearchAnswer(answer, details, sessionRef, null, null, null);
  }
}
