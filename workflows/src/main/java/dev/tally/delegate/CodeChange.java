package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.sandbox.CheckRun;
import dev.tally.sandbox.CoderReview;
import java.util.List;

/**
 * A coder delegation's result: a validated change, ready for {@code git apply} on {@code
 * baseCommit}.
 *
 * @param summary the harness's own account of the change
 * @param patch the unified diff (binary-safe)
 * @param baseCommit the commit it applies to
 * @param filesTouched every path it touches, relative to the repository top
 * @param diffLines added plus removed lines
 * @param checks the checks that passed, with their outputs
 * @param sessionRef the session it came from
 * @param review the reviewer's verdict, when the delegation has a reviewer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CodeChange(
    String summary,
    String patch,
    String baseCommit,
    List<String> filesTouched,
    int diffLines,
    List<CheckRun> checks,
    String sessionRef,
    CoderReview review) {}
