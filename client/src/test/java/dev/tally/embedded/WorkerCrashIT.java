package dev.tally.embedded;

import dev.tally.realserver.RealTemporalExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL mid-run on Temporal's own server, with sticky execution on:
 * the server times the dead worker's sticky queue out and a new worker process finishes the run,
 * with the uninterrupted run's ledger, billed once.
 */
class WorkerCrashIT {
  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir Path dir;

  @Test
  void workerKilledMidRun_stickyOn_newWorkerFinishesItWithTheUninterruptedLedger()
      throws Exception {
    new WorkerCrash(dir, true).assertRunSurvivesWorkerKill(REAL.address());
  }
}
