package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Arguments of a {@code coder} delegation.
 *
 * @param goal what to change
 * @param repoRoot absolute path of the repository on the worker's machine
 * @param contextHint where to look, what to keep in mind
 * @param variants independent attempts, 1..8 (default 1); the validated one with the smallest diff
 *     wins
 * @param config what the change must pass
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoderArgs(
    String goal, String repoRoot, String contextHint, Integer variants, Config config) {

  /**
   * What a coder change must pass.
   *
   * @param testCmd must exit 0 in the session
   * @param typecheckCmd must exit 0 in the session
   * @param forbiddenPaths paths (prefixes or globs) the change must not touch
   * @param maxDiffLines most added plus removed lines
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(
      String testCmd, String typecheckCmd, List<String> forbiddenPaths, Integer maxDiffLines) {}

  int variantsOrDefault() {
    return variants == null ? 1 : variants;
  }
}
