package dev.tally.embedded;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker as a separate process against {@code tally server}'s embedded server: killed with
 * SIGKILL in the middle of a run, replaced by a new process, and the run completes with the same
 * ledger totals as an uninterrupted run, billed once. The test server never moves work off a dead
 * worker's sticky queue, so these workers run with sticky execution off ({@code WorkerCrashIT} runs
 * the same scenario on a real server with it on).
 */
class WorkerRestartTest {
  @TempDir Path dir;

  @Test
  void workerKilledMidRun_newWorkerProcessFinishesIt_withTheUninterruptedLedgerTotals()
      throws Exception {
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0)) {
      new WorkerCrash(dir, false).assertRunSurvivesWorkerKill(server.address());
    }
  }
}
