package dev.tally.sandbox;

import static dev.tally.sandbox.Fixtures.awaitFile;
import static dev.tally.sandbox.Fixtures.driveUntilDone;
import static dev.tally.sandbox.Fixtures.harness;
import static dev.tally.sandbox.Fixtures.running;
import static dev.tally.sandbox.Fixtures.starts;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detachment itself: a worker process that dispatched a turn is killed with SIGKILL, the
 * harness keeps running, and a new worker on the same data directory finds it by session id, sees
 * it finish, and never starts it again.
 */
class HarnessOutlivesWorkerTest {
  @TempDir Path tmp;

  @Test
  void workerKilledMidTurn_harnessSurvives_andAFreshWorkerCollectsItsResultOnce() throws Exception {
    Path repo = Fixtures.gitRepo(tmp);
    Path script = Fixtures.harnessScript(tmp);
    Path marker = tmp.resolve("starts.log");
    Path go = tmp.resolve("go");
    Path dataDir = tmp.resolve("data");
    String command = harness(script, "edit", marker, go, null);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process worker =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                DispatchMain.class.getName(),
                dataDir.toString(),
                command,
                "s-doomed",
                repo.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("worker.log").toFile())
            .start();
    Path control = dataDir.resolve("sandboxes/s-doomed/control");
    awaitFile(control.resolve("pid"));
    long harnessLeader = Long.parseLong(Files.readString(control.resolve("pid")).strip());

    worker.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.exitValue()).isEqualTo(137);

    assertThat(running(harnessLeader)).as("harness after its worker died").isTrue();
    LocalProcessSandbox fresh = new LocalProcessSandbox(Fixtures.config(dataDir, command));
    DriveTurnRequest request = new DriveTurnRequest("local-s-doomed", "s-doomed", "p", null);
    TurnTick whileRunning = fresh.drive(request);
    Files.writeString(go, "go");
    TurnTick done = driveUntilDone(fresh, request);

    assertThat(whileRunning.state()).isEqualTo(TurnTick.RUNNING);
    assertThat(done.state()).isEqualTo(TurnTick.COMPLETED);
    assertThat(done.text()).contains("did edit for: from a doomed worker");
    assertThat(dataDir.resolve("sandboxes/s-doomed/work/README.md"))
        .content()
        .contains("hello from the harness");
    assertThat(starts(marker)).hasSize(1);
  }
}
