package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Every playbook entry at one version: the {@code playbook} query of {@code Observer}.
 *
 * @param version the observer's revision it was built at: one more with every op and digest, so a
 *     version names exactly what a run saw
 * @param entries one per task class with enough successes, by class
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Playbook(long version, List<PlaybookEntry> entries) {
  public Playbook {
    entries = entries == null ? List.of() : List.copyOf(entries);
  }
}
