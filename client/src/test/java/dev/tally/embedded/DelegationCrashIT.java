package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.realserver.RealTemporalExtension;
import dev.tally.realserver.ScratchRepo;
import dev.tally.worker.TemporalConnection;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delegation whose worker process is killed with SIGKILL while its harness runs, on Temporal's
 * own server with sticky execution on: the detached harness keeps running, a new worker process
 * re-attaches to its session, the harness runs exactly once and the delegation completes with its
 * validated patch.
 */
class DelegationCrashIT {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String QUEUE = "delegation-crash";

  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir Path dir;

  @Test
  void workerKilledMidTurn_newWorkerReattaches_harnessRunsOnceAndDelegationCompletes()
      throws Exception {
    Path repo = ScratchRepo.create(dir);
    Path starts = dir.resolve("harness-starts.log");
    // Long enough for the kill and the new worker to land while it runs.
    Path harness =
        ScratchRepo.harness(
            dir,
            "harness.sh",
            "echo started >> " + starts + "\nsleep 8\n" + ScratchRepo.ADD_A_LINE);
    Map<String, String> env =
        Map.of(
            WorkerConfig.TEMPORAL_ADDRESS,
            REAL.address(),
            WorkerConfig.TALLY_TASK_QUEUE,
            QUEUE,
            WorkerConfig.TALLY_DATA_DIR,
            dir.resolve("data").toString(),
            "TALLY_LOCAL_HARNESS",
            harness.toString(),
            "TALLY_TICK_INTERVAL_MS",
            "500");

    TemporalConnection connection = REAL.connection();
    DelegationRequest request = ScratchRepo.coder(repo, "add a line");
    String taskId;
    try (WorkerProcess first = WorkerProcess.start(env, dir.resolve("worker-1.log"), READY)) {
      taskId = DelegationSubmitter.submit(connection.client(), QUEUE, request).taskId();
      awaitLine(starts, Duration.ofSeconds(60));
      first.kill();
    }
    try (WorkerProcess second = WorkerProcess.start(env, dir.resolve("worker-2.log"), READY)) {
      DelegationResult result =
          connection
              .client()
              .newUntypedWorkflowStub(taskId)
              .getResult(3, TimeUnit.MINUTES, DelegationResult.class);
      assertThat(result.status()).as(result.toString()).isEqualTo(DelegationStatus.COMPLETED);
      assertThat(result.result().path("patch").asText()).contains("+two");
      assertThat(Files.readAllLines(starts)).as("harness starts").containsExactly("started");
      assertThat(second.log()).doesNotContain("Exception in thread");
      // The new process really polled the session after the kill.
      assertThat(
              connection.client().fetchHistory(taskId).getEvents().stream()
                  .filter(e -> e.hasActivityTaskStartedEventAttributes())
                  .map(e -> e.getActivityTaskStartedEventAttributes().getIdentity()))
          .anyMatch(id -> id.startsWith(second.pid() + "@"));
    }
  }

  private static void awaitLine(Path file, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!Files.exists(file) || readLines(file).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the harness never started (" + file + ")");
      }
      Thread.sleep(50);
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
