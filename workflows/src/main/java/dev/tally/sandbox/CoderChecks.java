package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a coder turn's change must pass before it may be returned.
 *
 * @param testCmd shell command that must exit 0, or null for none
 * @param typecheckCmd shell command that must exit 0, or null for none
 * @param forbiddenPaths repository paths (a prefix, or a glob with {@code * ? [}) the change must
 *     not touch
 * @param maxDiffLines most added plus removed lines allowed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoderChecks(
    String testCmd, String typecheckCmd, List<String> forbiddenPaths, int maxDiffLines) {
  public CoderChecks {
    forbiddenPaths = forbiddenPaths == null ? List.of() : List.copyOf(forbiddenPaths);
  }
}
