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
 * @param variants independent attempts, 1..8 (default 1), run concurrently; the winner is picked by
 *     {@code config.winner} among the validated (and, with a reviewer, approved) ones
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
   * @param harnesses the worker's named harnesses to run, cycled over the variants (default: the
   *     worker's default harness for every variant)
   * @param models per variant, the model passed to its harness as {@code TALLY_MODEL}
   * @param maxConcurrency most candidates running at once, 1..8 (default 4)
   * @param reviewer an optional gate after validation
   * @param winner how the winner is picked: {@code highest-score} (default), {@code smallest-diff},
   *     {@code highest-readiness} (needs a reviewer), {@code first-approved}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(
      String testCmd,
      String typecheckCmd,
      List<String> forbiddenPaths,
      Integer maxDiffLines,
      List<String> harnesses,
      List<String> models,
      Integer maxConcurrency,
      Reviewer reviewer,
      String winner) {}

  /**
   * The reviewer gate: {@code {kind: "command", cmd}} runs {@code cmd} in the candidate's working
   * copy; {@code {kind: "model", model}} asks that model through the router, metered on the
   * delegation's ledger.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Reviewer(String kind, String cmd, String model) {
    public static final String COMMAND = "command";
    public static final String MODEL = "model";
  }

  int variantsOrDefault() {
    return variants == null ? 1 : variants;
  }
}
