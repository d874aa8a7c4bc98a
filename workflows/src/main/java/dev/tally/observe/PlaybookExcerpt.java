package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a {@code usePlaybook} run's driver is given: the entries that match its task class, bounded
 * in size, and the text added to its system prompt. The result of the {@code PlaybookFor} activity,
 * so the run's history records the version it saw.
 *
 * @param version the playbook version, or null when there is no observer yet
 * @param taskClass the run's task class
 * @param entries the matching entries, at most {@link Playbooks#MAX_ENTRIES}
 * @param text the prompt text, at most {@link Playbooks#MAX_TEXT_CHARS} characters; empty when
 *     nothing matches
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybookExcerpt(
    Long version, String taskClass, List<PlaybookEntry> entries, String text) {
  public PlaybookExcerpt {
    entries = entries == null ? List.of() : List.copyOf(entries);
    text = text == null ? "" : text;
  }
}
