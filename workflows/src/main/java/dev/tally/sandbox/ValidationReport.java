package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Output of {@code SettleTurn}. A report that is not {@code valid} never carries a patch, so
 * nothing unvalidated can leave the sandbox by accident.
 *
 * @param valid true when every rule passed
 * @param patch the unified diff against {@code baseCommit} (valid only)
 * @param baseCommit the commit the diff applies to
 * @param filesTouched every path the change touches, relative to the repository top
 * @param diffLines added plus removed lines
 * @param checks the commands that ran, in order
 * @param refusals why the change was refused, one reason per rule broken (empty when valid)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationReport(
    boolean valid,
    String patch,
    String baseCommit,
    List<String> filesTouched,
    int diffLines,
    List<CheckRun> checks,
    List<String> refusals) {
  public ValidationReport {
    filesTouched = filesTouched == null ? List.of() : List.copyOf(filesTouched);
    checks = checks == null ? List.of() : List.copyOf(checks);
    refusals = refusals == null ? List.of() : List.copyOf(refusals);
    if (valid && !refusals.isEmpty()) {
      throw new IllegalArgumentException(
          "validation report: expected no refusals on a valid report, got " + refusals);
    }
    if (!valid) {
      // A refused change keeps its evidence (files, checks, reasons) but never its patch.
      patch = null;
    }
  }
}
