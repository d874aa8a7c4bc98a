package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * Input of the {@code playbook} query and the {@code PlaybookFor} activity: the task class whose
 * entries are wanted.
 *
 * @param profile the run's profile
 * @param labels the run's labels; entries whose labels are a subset of these match
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlaybookRequest(String profile, Map<String, String> labels) {
  public PlaybookRequest {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
