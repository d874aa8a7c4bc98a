package dev.tally.sandbox;

import static dev.tally.sandbox.Fixtures.awaitFile;
import static dev.tally.sandbox.Fixtures.driveUntilDone;
import static dev.tally.sandbox.Fixtures.harness;
import static dev.tally.sandbox.Fixtures.running;
import static dev.tally.sandbox.Fixtures.sh;
import static dev.tally.sandbox.Fixtures.starts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessSandboxTest {
  @TempDir Path tmp;
  private Path repo;
  private Path script;
  private Path dataDir;
  private Path marker;

  @BeforeEach
  void setUp() throws IOException {
    repo = Fixtures.gitRepo(tmp);
    script = Fixtures.harnessScript(tmp);
    dataDir = tmp.resolve("data");
    marker = tmp.resolve("starts.log");
  }

  private LocalProcessSandbox sandbox(String action, Path go) {
    return new LocalProcessSandbox(
        Fixtures.config(dataDir, harness(script, action, marker, go, null)));
  }

  private Path work(String session) {
    return dataDir.resolve("sandboxes").resolve(session).resolve("work");
  }

  private Path control(String session) {
    return dataDir.resolve("sandboxes").resolve(session).resolve("control");
  }

  @Test
  void acquire_gitRepo_makesAWorktreeAtHeadAndIsIdempotent() {
    LocalProcessSandbox box = sandbox("edit", null);
    AcquireSandboxRequest request =
        new AcquireSandboxRequest("s-acquire", "coder", repo.toString());

    SandboxLease first = box.acquire(request, () -> {});
    SandboxLease again = box.acquire(request, () -> {});

    String head = sh(repo, "git rev-parse HEAD").strip();
    assertThat(first.baseCommit()).isEqualTo(head);
    assertThat(first.sandboxId()).isEqualTo("local-s-acquire");
    assertThat(first.ref().format()).isEqualTo("sandbox=local-s-acquire;session=s-acquire");
    assertThat(first.tickIntervalMs()).isEqualTo(100);
    assertThat(first.wallCapMs()).isEqualTo(60_000);
    assertThat(again).isEqualTo(first);
    assertThat(work("s-acquire").resolve("README.md")).hasContent("# demo");
    assertThat(sh(repo, "git worktree list")).contains(work("s-acquire").toString());
  }

  @Test
  void acquire_plainDirectory_copiesItWithAFreshBaseCommit() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("notes.txt"), "n\n");
    LocalProcessSandbox box = sandbox("edit", null);

    SandboxLease lease =
        box.acquire(new AcquireSandboxRequest("s-copy", "coder", plain.toString()), () -> {});

    assertThat(lease.baseCommit()).matches("[0-9a-f]{40}");
    assertThat(work("s-copy").resolve("notes.txt")).hasContent("n");
    assertThat(plain.resolve(".git")).doesNotExist();
  }

  @Test
  void acquire_missingRepo_isRefusedPermanently() {
    LocalProcessSandbox box = sandbox("edit", null);

    assertThatThrownBy(
            () ->
                box.acquire(
                    new AcquireSandboxRequest("s-missing", "coder", tmp.resolve("nope").toString()),
                    () -> {}))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> {
              assertThat(e.type()).isEqualTo(SandboxFailures.SANDBOX_UNAVAILABLE);
              assertThat(e.permanent()).isTrue();
              assertThat(e.getMessage()).contains("repoRoot: expected an existing directory");
            });
  }

  @Test
  void acquire_noHarnessConfigured_failsNamingTheVariable() {
    LocalProcessSandbox box = new LocalProcessSandbox(Fixtures.config(dataDir, null));

    assertThatThrownBy(
            () ->
                box.acquire(
                    new AcquireSandboxRequest("s-none", "coder", repo.toString()), () -> {}))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> {
              assertThat(e.type()).isEqualTo(SandboxFailures.SANDBOX_NOT_CONFIGURED);
              assertThat(e.getMessage()).contains("TALLY_LOCAL_HARNESS");
            });
    assertThat(work("s-none")).doesNotExist();
  }

  @Test
  void drive_harnessEditsAndExitsZero_completesWithItsOutputAndRunsOnce() throws Exception {
    LocalProcessSandbox box = sandbox("edit", null);
    box.acquire(new AcquireSandboxRequest("s-run", "coder", repo.toString()), () -> {});
    DriveTurnRequest request = new DriveTurnRequest("local-s-run", "s-run", "add a greeting", null);

    TurnTick first = box.drive(request);
    TurnTick done = driveUntilDone(box, request);
    TurnTick later = box.drive(request);

    assertThat(first.state()).isEqualTo(TurnTick.RUNNING);
    assertThat(done.state()).isEqualTo(TurnTick.COMPLETED);
    assertThat(done.text()).contains("did edit for: add a greeting");
    assertThat(done.result().get("exitCode").asInt()).isZero();
    assertThat(done.usage()).isNull();
    assertThat(later).isEqualTo(done);
    assertThat(work("s-run").resolve("README.md")).content().contains("hello from the harness");
    assertThat(tmp.resolve("starts.log.prompt")).hasContent("add a greeting");
    assertThat(starts(marker)).hasSize(1);
  }

  @Test
  void drive_harnessReportsUsage_tickCarriesIt() throws Exception {
    LocalProcessSandbox box = sandbox("usage", null);
    box.acquire(new AcquireSandboxRequest("s-usage", "coder", repo.toString()), () -> {});

    TurnTick done =
        driveUntilDone(box, new DriveTurnRequest("local-s-usage", "s-usage", "p", null));

    assertThat(done.usage())
        .isEqualTo(new TurnUsage(1000, 200, new java.math.BigDecimal("0.05"), "m1"));
  }

  @Test
  void drive_harnessExitsNonZero_failsTerminallyWithStderr() throws Exception {
    LocalProcessSandbox box = sandbox("fail", null);
    box.acquire(new AcquireSandboxRequest("s-fail", "coder", repo.toString()), () -> {});
    DriveTurnRequest request = new DriveTurnRequest("local-s-fail", "s-fail", "p", null);

    TurnTick done = driveUntilDone(box, request);

    assertThat(done.state()).isEqualTo(TurnTick.FAILED);
    assertThat(done.error()).isEqualTo("harness exited with code 3: boom: cannot continue");
    assertThat(box.drive(request)).isEqualTo(done);
    assertThat(starts(marker)).hasSize(1);
  }

  @Test
  void drive_beforeAcquire_isRefusedAsUnknownSession() {
    LocalProcessSandbox box = sandbox("edit", null);

    assertThatThrownBy(() -> box.drive(new DriveTurnRequest("x", "s-unknown", "p", null)))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> assertThat(e.type()).isEqualTo(SandboxFailures.SESSION_UNKNOWN));
  }

  @Test
  void sessionId_withPathSeparators_isRefused() {
    LocalProcessSandbox box = sandbox("edit", null);

    assertThatThrownBy(
            () ->
                box.acquire(
                    new AcquireSandboxRequest("../escape", "coder", repo.toString()), () -> {}))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> assertThat(e.type()).isEqualTo(SandboxFailures.INVALID_SESSION));
  }

  @Test
  void freshProviderOnSameDataDir_reattachesToTheRunningHarness_andNeverStartsItTwice()
      throws Exception {
    Path go = tmp.resolve("go");
    LocalProcessSandbox first = sandbox("edit", go);
    first.acquire(new AcquireSandboxRequest("s-restart", "coder", repo.toString()), () -> {});
    DriveTurnRequest request = new DriveTurnRequest("local-s-restart", "s-restart", "p", null);
    assertThat(first.drive(request).state()).isEqualTo(TurnTick.RUNNING);
    awaitFile(control("s-restart").resolve("pid"));

    // A worker restart: a new provider instance with nothing in memory, on the same data dir.
    LocalProcessSandbox restarted = sandbox("edit", go);
    TurnTick whileRunning = restarted.drive(request);
    Files.writeString(go, "go");
    TurnTick done = driveUntilDone(restarted, request);

    assertThat(whileRunning.state()).isEqualTo(TurnTick.RUNNING);
    assertThat(whileRunning.elapsedMs()).isNotNull();
    assertThat(done.state()).isEqualTo(TurnTick.COMPLETED);
    assertThat(first.drive(request)).isEqualTo(done);
    assertThat(starts(marker)).hasSize(1);
  }

  @Test
  void cancel_killsTheWholeProcessGroup_andLaterTicksSayCancelled() throws Exception {
    LocalProcessSandbox box = sandbox("sleep", null);
    box.acquire(new AcquireSandboxRequest("s-cancel", "coder", repo.toString()), () -> {});
    DriveTurnRequest request = new DriveTurnRequest("local-s-cancel", "s-cancel", "p", null);
    box.drive(request);
    awaitFile(tmp.resolve("starts.log.child"));
    long child = Long.parseLong(Files.readString(tmp.resolve("starts.log.child")).strip());
    long harness = Long.parseLong(Files.readString(tmp.resolve("starts.log.self")).strip());
    long leader = Long.parseLong(Files.readString(control("s-cancel").resolve("pid")).strip());
    assertThat(running(child)).isTrue();
    assertThat(ProcessGroups.members(leader)).contains(leader, harness, child);

    SessionReceipt receipt =
        box.cancel(new SessionRequest("local-s-cancel", "s-cancel", "operator stop"));

    assertThat(receipt.changed()).isTrue();
    assertThat(running(child)).isFalse();
    assertThat(running(harness)).isFalse();
    assertThat(running(leader)).isFalse();
    assertThat(ProcessGroups.members(leader)).isEmpty();
    TurnTick after = box.drive(request);
    assertThat(after.state()).isEqualTo(TurnTick.FAILED);
    assertThat(after.error()).isEqualTo("session cancelled: operator stop");
    assertThat(box.cancel(new SessionRequest(null, "s-cancel", "again")).changed()).isFalse();
  }

  @Test
  void cancel_beforeDispatch_preventsTheTurnFromEverStarting() throws Exception {
    LocalProcessSandbox box = sandbox("edit", null);
    box.acquire(new AcquireSandboxRequest("s-early", "coder", repo.toString()), () -> {});

    box.cancel(new SessionRequest(null, "s-early", "too late"));
    TurnTick tick = box.drive(new DriveTurnRequest("local-s-early", "s-early", "p", null));

    assertThat(tick.state()).isEqualTo(TurnTick.FAILED);
    assertThat(tick.error()).contains("session cancelled");
    assertThat(starts(marker)).isEmpty();
  }

  @Test
  void wallClockCap_stopsALongTurnAndFailsIt() throws Exception {
    LocalProcessSandbox box = sandbox("sleep", null);
    box.acquire(new AcquireSandboxRequest("s-cap", "coder", repo.toString()), () -> {});
    DriveTurnRequest request = new DriveTurnRequest("local-s-cap", "s-cap", "p", 1L);
    box.drive(request);
    awaitFile(tmp.resolve("starts.log.child"));
    long child = Long.parseLong(Files.readString(tmp.resolve("starts.log.child")).strip());

    TurnTick tick = box.drive(request);

    assertThat(tick.state()).isEqualTo(TurnTick.FAILED);
    assertThat(tick.error()).startsWith("wall-clock cap of 1 ms exceeded");
    assertThat(running(child)).isFalse();
  }

  @Test
  void release_removesTheWorktree_andTheSessionCannotBeAcquiredAgain() throws Exception {
    LocalProcessSandbox box = sandbox("edit", null);
    AcquireSandboxRequest acquire =
        new AcquireSandboxRequest("s-release", "coder", repo.toString());
    box.acquire(acquire, () -> {});
    driveUntilDone(box, new DriveTurnRequest("local-s-release", "s-release", "p", null));

    SessionReceipt receipt =
        box.release(new SessionRequest("local-s-release", "s-release", "done"));
    SessionReceipt again = box.release(new SessionRequest("local-s-release", "s-release", "done"));

    assertThat(receipt.changed()).isTrue();
    assertThat(again.changed()).isFalse();
    assertThat(work("s-release")).doesNotExist();
    assertThat(sh(repo, "git worktree list")).doesNotContain("s-release");
    assertThatThrownBy(() -> box.acquire(acquire, () -> {}))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> assertThat(e.type()).isEqualTo(SandboxFailures.SESSION_RELEASED));
    // The user's repository is untouched.
    assertThat(sh(repo, "git status --porcelain")).isEmpty();
  }

  @Test
  void release_beforeAcquire_leavesNothingBehindAndBlocksALateAcquire() {
    LocalProcessSandbox box = sandbox("edit", null);

    box.release(new SessionRequest(null, "s-never", "cancelled while acquiring"));

    assertThatThrownBy(
            () ->
                box.acquire(
                    new AcquireSandboxRequest("s-never", "coder", repo.toString()), () -> {}))
        .isInstanceOf(SandboxException.class);
    assertThat(work("s-never")).doesNotExist();
  }
}
