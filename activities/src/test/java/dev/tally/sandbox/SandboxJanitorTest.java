package dev.tally.sandbox;

import static dev.tally.sandbox.Fixtures.awaitFile;
import static dev.tally.sandbox.Fixtures.running;
import static dev.tally.sandbox.Fixtures.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The janitor over real boxes: git worktrees of a real repository and a real harness process group,
 * with the owners' fates given at the port (the Temporal side is {@code TemporalSessionOwnersTest}
 * in the worker module).
 */
class SandboxJanitorTest {
  private static final String HOST_QUEUE = "tally-host-h1";

  @TempDir Path tmp;
  private Path repo;
  private Path dataDir;
  private LocalProcessSandbox box;

  @BeforeEach
  void setUp() throws IOException {
    repo = Fixtures.gitRepo(tmp);
    dataDir = tmp.resolve("data");
    Path marker = tmp.resolve("starts.log");
    box =
        new LocalProcessSandbox(
            Fixtures.config(
                dataDir,
                Fixtures.harness(Fixtures.harnessScript(tmp), "sleep", marker, null, null)));
  }

  private void acquire(String session, String owner) {
    box.acquire(new AcquireSandboxRequest(session, "coder", repo.toString()), owner, () -> {});
  }

  private Path work(String session) {
    return dataDir.resolve("sandboxes").resolve(session).resolve("work");
  }

  private Path control(String session) {
    return dataDir.resolve("sandboxes").resolve(session).resolve("control");
  }

  @Test
  void sweep_endedAndLostOwners_releasesTheirBoxesStopsTheHarnessKeepsTheRest() throws Exception {
    acquire("s-ended", "wf-ended");
    acquire("s-lost", "wf-lost");
    acquire("s-live", "wf-live");
    box.acquire(new AcquireSandboxRequest("s-legacy", "coder", repo.toString()), () -> {});
    // The lost host's turn is still running when the host comes back: its process group must go.
    box.drive(new DriveTurnRequest("local-s-lost", "s-lost", "p", null));
    awaitFile(tmp.resolve("starts.log.child"));
    long child = Long.parseLong(Files.readString(tmp.resolve("starts.log.child")).strip());
    long leader = Long.parseLong(Files.readString(control("s-lost").resolve("pid")).strip());
    assertThat(running(child)).isTrue();
    List<String> asked = new ArrayList<>();
    SessionOwners owners =
        (owner, session, hostQueue) -> {
          asked.add(owner + "/" + session + "@" + hostQueue);
          return switch (owner) {
            case "wf-ended" -> new SessionOwners.Fate(SessionOwners.Verdict.SWEEP, "ended");
            case "wf-lost" -> new SessionOwners.Fate(SessionOwners.Verdict.SWEEP, "host lost");
            default -> new SessionOwners.Fate(SessionOwners.Verdict.KEEP, "running");
          };
        };

    SandboxJanitor.Report report = new SandboxJanitor(box, owners, HOST_QUEUE).sweep();

    assertThat(asked)
        .containsExactly(
            "wf-ended/s-ended@" + HOST_QUEUE,
            "wf-live/s-live@" + HOST_QUEUE,
            "wf-lost/s-lost@" + HOST_QUEUE);
    assertThat(report.released()).containsOnlyKeys("s-ended", "s-lost");
    assertThat(report.released().get("s-lost"))
        .contains("host lost")
        .contains("a harness process was still running and was stopped");
    assertThat(report.kept()).containsExactly(Map.entry("s-live", "running"));
    assertThat(report.unowned()).containsExactly("s-legacy");
    assertThat(running(child)).isFalse();
    assertThat(running(leader)).isFalse();
    assertThat(work("s-ended")).doesNotExist();
    assertThat(work("s-lost")).doesNotExist();
    assertThat(work("s-live").resolve("README.md")).exists();
    assertThat(work("s-legacy").resolve("README.md")).exists();
    String worktrees = sh(repo, "git worktree list");
    assertThat(worktrees).doesNotContain(work("s-ended").toString());
    assertThat(worktrees).doesNotContain(work("s-lost").toString());
    assertThat(worktrees).contains(work("s-live").toString());
    assertThat(control("s-lost").resolve("released")).exists();
    // A late activity of a swept session is refused rather than given a new box.
    assertThatThrownBy(() -> box.drive(new DriveTurnRequest("local-s-lost", "s-lost", "p", null)))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> assertThat(e.type()).isEqualTo(SandboxFailures.SESSION_RELEASED));

    SandboxJanitor.Report again = new SandboxJanitor(box, owners, HOST_QUEUE).sweep();
    assertThat(again.released()).as("released boxes are not looked at twice").isEmpty();
  }

  @Test
  void sweep_noOwnerKnownToTemporal_touchesNothing() {
    acquire("s-a", "wf-a");
    acquire("s-b", "wf-b");
    SessionOwners unknown =
        (owner, session, hostQueue) ->
            new SessionOwners.Fate(SessionOwners.Verdict.UNKNOWN, owner + " unknown");

    SandboxJanitor.Report report = new SandboxJanitor(box, unknown, HOST_QUEUE).sweep();

    assertThat(report.released()).isEmpty();
    assertThat(report.kept().get("s-a")).contains("wrong namespace?");
    assertThat(work("s-a").resolve("README.md")).exists();
    assertThat(work("s-b").resolve("README.md")).exists();
  }

  @Test
  void sweep_unknownOwnerBesideAKnownOne_isReleasedAsPastRetention() {
    acquire("s-gone", "wf-gone");
    acquire("s-live", "wf-live");
    SessionOwners owners =
        (owner, session, hostQueue) ->
            owner.equals("wf-gone")
                ? new SessionOwners.Fate(SessionOwners.Verdict.UNKNOWN, "unknown")
                : new SessionOwners.Fate(SessionOwners.Verdict.KEEP, "running");

    SandboxJanitor.Report report = new SandboxJanitor(box, owners, HOST_QUEUE).sweep();

    assertThat(report.released()).containsOnlyKeys("s-gone");
    assertThat(work("s-gone")).doesNotExist();
    assertThat(work("s-live").resolve("README.md")).exists();
  }

  @Test
  void acquire_recordsTheOwningWorkflowInTheLease() throws IOException {
    acquire("s-owned", "wf-owner");

    assertThat(Files.readString(control("s-owned").resolve("lease.json")))
        .contains("\"owner\":\"wf-owner\"");
  }
}
