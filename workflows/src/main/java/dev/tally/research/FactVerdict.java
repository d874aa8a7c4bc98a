package dev.tally.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What the KB gate, or one of its judges, decided about a fact.
 *
 * @param accepted true when the fact may enter the knowledge base
 * @param vetoedBy the rule or judge that vetoed it (vetoed only)
 * @param reason why (always set on a veto; optional on an accept)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FactVerdict(boolean accepted, String vetoedBy, String reason) {
  public FactVerdict {
    if (!accepted) {
      Objects.requireNonNull(vetoedBy, "vetoedBy");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public static FactVerdict accept() {
    return new FactVerdict(true, null, null);
  }

  public static FactVerdict veto(String by, String reason) {
    return new FactVerdict(false, by, reason);
  }
}
