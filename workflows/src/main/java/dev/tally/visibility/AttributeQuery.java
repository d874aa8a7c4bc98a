package dev.tally.visibility;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/** The custom search attributes a workflow would like to set, by name. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttributeQuery(List<String> names) {
  public AttributeQuery {
    names = List.copyOf(Objects.requireNonNull(names, "names"));
  }
}
