package dev.tally.visibility;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer to an {@link AttributeQuery}.
 *
 * @param registered the asked-for names the namespace has registered
 * @param listed false when the server cannot list its attributes (the Java SDK's test server), so
 *     {@code registered} says nothing
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegisteredAttributes(List<String> registered, boolean listed) {
  public RegisteredAttributes {
    registered = registered == null ? List.of() : List.copyOf(registered);
  }

  public static RegisteredAttributes unlisted() {
    return new RegisteredAttributes(List.of(), false);
  }

  /** Whether every one of {@code names} is registered. */
  public boolean containsAll(List<String> names) {
    return listed && registered.containsAll(names);
  }
}
