package dev.tally.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settles a coder turn: what the harness changed is taken as a diff against the base commit, then
 * the test and typecheck commands run on it, and the change is refused for an empty diff, a
 * forbidden path, more lines than allowed, anything that looks like a secret, or a failing check.
 * Only a change that passes every rule leaves with its patch.
 *
 * <p>The diff is taken before the checks run so that files a test run writes (caches, reports) are
 * not mistaken for the agent's change.
 */
public final class CoderValidator {
  /** The largest patch accepted at all; anything bigger is refused before it is counted. */
  static final int MAX_PATCH_BYTES = 8 * 1024 * 1024;

  /** How much of each check's output is kept in the report. */
  static final int CHECK_OUTPUT_BYTES = 8 * 1024;

  /** How long a reviewer command may run when the worker did not say. */
  static final Duration DEFAULT_REVIEW_TIMEOUT = Duration.ofMinutes(10);

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  private final SandboxProvider sandbox;
  private final Duration checkTimeout;

  public CoderValidator(SandboxProvider sandbox, Duration checkTimeout) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
  }

  /** Validates the change in session {@code request.sessionId()}. */
  public ValidationReport validate(SettleTurnRequest request, Runnable heartbeat) {
    String base = request.baseCommit();
    if (base == null || !COMMIT.matcher(base).matches()) {
      throw new SandboxException(
          SandboxFailures.INVALID_SESSION,
          "baseCommit: expected a hex commit id, got '" + base + "'");
    }
    CoderChecks checks = request.checks();
    String session = request.sessionId();
    List<String> refusals = new ArrayList<>();

    CommandResult staged =
        sandbox.exec(
            session, "git add -A >/dev/null", Duration.ofMinutes(5), CHECK_OUTPUT_BYTES, heartbeat);
    if (staged.exitCode() != 0) {
      refusals.add("the change could not be staged: " + staged.stderr().strip());
    }
    String diffArgs = " --cached --no-color --no-ext-diff --no-renames " + base + " --";
    CommandResult diff =
        sandbox.exec(
            session,
            "git diff --binary" + diffArgs,
            Duration.ofMinutes(5),
            MAX_PATCH_BYTES,
            heartbeat);
    CommandResult numstat =
        sandbox.exec(
            session,
            "git diff --numstat -z" + diffArgs,
            Duration.ofMinutes(5),
            MAX_PATCH_BYTES,
            heartbeat);
    String patch = diff.stdout();
    List<String> files = new ArrayList<>();
    int lines = 0;
    if (diff.exitCode() != 0 || numstat.exitCode() != 0) {
      refusals.add(
          "the diff against "
              + base
              + " could not be computed: "
              + (diff.stderr() + numstat.stderr()).strip());
    } else if (diff.truncated()) {
      refusals.add("the diff is larger than " + MAX_PATCH_BYTES + " bytes");
    } else {
      lines = parseNumstat(numstat.stdout(), files);
    }

    if (refusals.isEmpty()) {
      if (files.isEmpty()) {
        refusals.add("empty diff: the turn changed nothing");
      }
      for (String f : files) {
        String entry = ForbiddenPaths.match(f, checks.forbiddenPaths());
        if (entry != null) {
          refusals.add("forbidden path touched: " + f + " (forbidden: " + entry + ")");
        }
      }
      if (lines > checks.maxDiffLines()) {
        refusals.add(
            "diff has "
                + lines
                + " changed lines, more than maxDiffLines "
                + checks.maxDiffLines());
      }
      for (String finding : SecretScanner.scan(patch)) {
        refusals.add("secret-looking content: " + finding);
      }
    }

    List<CheckRun> runs = new ArrayList<>();
    check(session, "test", checks.testCmd(), heartbeat, runs, refusals);
    check(session, "typecheck", checks.typecheckCmd(), heartbeat, runs, refusals);
    boolean valid = refusals.isEmpty();
    return new ValidationReport(valid, valid ? patch : null, base, files, lines, runs, refusals);
  }

  private void check(
      String session,
      String name,
      String command,
      Runnable heartbeat,
      List<CheckRun> runs,
      List<String> refusals) {
    if (command == null || command.isBlank()) {
      return;
    }
    // Both streams into one, in the order the command wrote them.
    CommandResult r =
        sandbox.exec(session, "exec 2>&1\n" + command, checkTimeout, CHECK_OUTPUT_BYTES, heartbeat);
    CheckRun run =
        new CheckRun(name, command, r.exitCode(), r.stdout(), r.truncated(), r.timedOut());
    runs.add(run);
    if (r.timedOut()) {
      refusals.add(
          name + " check `" + command + "` ran longer than " + checkTimeout.toSeconds() + " s");
    } else if (r.exitCode() != 0) {
      refusals.add(name + " check `" + command + "` exited with " + r.exitCode());
    }
  }

  /** Sums added and removed lines of {@code git diff --numstat -z}, collecting the paths. */
  static int parseNumstat(String numstat, List<String> files) {
    int lines = 0;
    for (String record : numstat.split("\0")) {
      if (record.isBlank()) {
        continue;
      }
      String[] parts = record.split("\t", 3);
      if (parts.length < 3) {
        continue;
      }
      // Binary files show "-" for both counts: they count as one changed line each way.
      lines += parts[0].equals("-") ? 1 : Integer.parseInt(parts[0].strip());
      lines += parts[1].equals("-") ? 1 : Integer.parseInt(parts[1].strip());
      files.add(parts[2].strip());
    }
    return lines;
  }
}
