package dev.tally.sandbox;

import static dev.tally.sandbox.Fixtures.driveUntilDone;
import static dev.tally.sandbox.Fixtures.harness;
import static dev.tally.sandbox.Fixtures.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator on real turns: a real harness edits a real git worktree, then settle judges it. */
class CoderValidatorTest {
  @TempDir Path tmp;
  private Path repo;
  private Path script;

  @BeforeEach
  void setUp() throws IOException {
    repo = Fixtures.gitRepo(tmp);
    script = Fixtures.harnessScript(tmp);
  }

  /** Runs one real turn with {@code action}, then validates it against {@code checks}. */
  private ValidationReport turn(String session, String action, String env, CoderChecks checks)
      throws Exception {
    String command = harness(script, action, tmp.resolve(session + ".log"), null, env);
    LocalProcessSandbox box =
        new LocalProcessSandbox(Fixtures.config(tmp.resolve("data"), command));
    SandboxLease lease =
        box.acquire(new AcquireSandboxRequest(session, "coder", repo.toString()), () -> {});
    TurnTick done =
        driveUntilDone(box, new DriveTurnRequest(lease.sandboxId(), session, "p", null));
    assertThat(done.state()).isEqualTo(TurnTick.COMPLETED);
    CoderValidator validator = new CoderValidator(box, java.time.Duration.ofMinutes(1));
    return validator.validate(
        new SettleTurnRequest(lease.sandboxId(), session, lease.baseCommit(), checks), () -> {});
  }

  private static CoderChecks checks(
      String test, String typecheck, List<String> forbidden, int max) {
    return new CoderChecks(test, typecheck, forbidden, max);
  }

  @Test
  void goodChange_passingChecks_isValidWithAnApplicablePatch() throws Exception {
    ValidationReport r =
        turn(
            "v-good",
            "edit",
            null,
            checks("grep -q hello README.md && echo tests ok", "exit 0", List.of("secrets/"), 10));

    assertThat(r.valid()).isTrue();
    assertThat(r.refusals()).isEmpty();
    assertThat(r.filesTouched()).containsExactly("README.md");
    assertThat(r.diffLines()).isEqualTo(1);
    assertThat(r.patch()).contains("+hello from the harness");
    assertThat(r.checks())
        .extracting(CheckRun::name, CheckRun::exitCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("test", 0),
            org.assertj.core.groups.Tuple.tuple("typecheck", 0));
    assertThat(r.checks().get(0).output()).contains("tests ok");
    // The patch applies to the user's repository at the base commit.
    Path patch = tmp.resolve("change.patch");
    Files.writeString(patch, r.patch());
    sh(repo, "git apply --check '" + patch + "'");
  }

  @Test
  void failingTests_areRefusedWithTheirExitCodeAndOutput_andNoPatch() throws Exception {
    ValidationReport r =
        turn(
            "v-tests",
            "edit",
            null,
            checks("echo 'expected 2 got 3'; exit 1", "exit 0", List.of(), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.patch()).isNull();
    assertThat(r.refusals())
        .containsExactly("test check `echo 'expected 2 got 3'; exit 1` exited with 1");
    assertThat(r.checks().get(0).exitCode()).isEqualTo(1);
    assertThat(r.checks().get(0).output()).contains("expected 2 got 3");
    assertThat(r.filesTouched()).containsExactly("README.md");
  }

  @Test
  void failingTypecheck_isRefused() throws Exception {
    ValidationReport r = turn("v-types", "edit", null, checks(null, "exit 2", List.of(), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.refusals()).containsExactly("typecheck check `exit 2` exited with 2");
  }

  @Test
  void forbiddenPath_isRefusedNamingTheFileAndTheRule() throws Exception {
    ValidationReport r =
        turn("v-forbidden", "forbidden", null, checks(null, null, List.of("secrets/"), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.patch()).isNull();
    assertThat(r.refusals())
        .containsExactly("forbidden path touched: secrets/token.txt (forbidden: secrets/)");
  }

  @Test
  void tooManyLines_isRefused() throws Exception {
    ValidationReport r = turn("v-many", "many", null, checks(null, null, List.of(), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.diffLines()).isEqualTo(30);
    assertThat(r.refusals())
        .containsExactly("diff has 30 changed lines, more than maxDiffLines 10");
  }

  @Test
  void emptyDiff_isRefused() throws Exception {
    ValidationReport r = turn("v-empty", "none", null, checks("exit 0", null, List.of(), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.refusals()).containsExactly("empty diff: the turn changed nothing");
    assertThat(r.filesTouched()).isEmpty();
  }

  @Test
  void secretLookingContent_isRefusedWithoutRepeatingTheSecret() throws Exception {
    // Obviously fake, built here: the shape of an AWS access key id, not a key.
    String fakeKey = "AKIA" + "FAKE".repeat(4);

    ValidationReport r =
        turn("v-secret", "secret", "FAKE_KEY=" + fakeKey, checks(null, null, List.of(), 10));

    assertThat(r.valid()).isFalse();
    assertThat(r.patch()).isNull();
    assertThat(r.refusals())
        .singleElement()
        .asString()
        .startsWith("secret-looking content: AWS access key id in config.txt")
        .doesNotContain(fakeKey);
  }
}
