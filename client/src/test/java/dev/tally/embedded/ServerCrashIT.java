package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.realserver.RealTemporalExtension;
import dev.tally.realserver.ScriptedWorkers;
import dev.tally.router.scripted.BilledTotals;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.RunSearchAttributes;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability claim: Temporal's server itself killed with SIGKILL in the middle of a run and
 * started again on the same SQLite file. The run picks up where it was and completes, its ledger
 * rebuilt from history equal to its result and to what the router billed.
 */
class ServerCrashIT {
  private static final String RUN = "run-survives-server-kill";

  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir Path dir;

  @Test
  void serverKilledMidRun_restartedOnTheSameDatabase_runCompletesWithAnExactLedger()
      throws Exception {
    try (ScriptedRouter router = ScriptedRouter.start(0, DevStack.SCRIPTED_WORKERS);
        GateProxy gate = GateProxy.start(router.baseUrl(), 2);
        DevStack worker =
            ScriptedWorkers.beside(REAL.server(), dir.resolve("data"), gate.baseUrl())) {
      // The spawning turn gets through; then every call waits at the gate, so the kill lands
      // with three workers live and their calls between retries.
      gate.closeAfter(1);
      WorkflowClient client = worker.connection().client();
      SupervisedRunWorkflow run =
          client.newWorkflowStub(
              SupervisedRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(RUN)
                  .setTaskQueue(worker.config().taskQueue())
                  .setTypedSearchAttributes(RunSearchAttributes.atStart("run", null))
                  .build());
      WorkflowClient.start(run::run, ScriptedWorkers.threeWorkerRun());
      awaitRejections(gate, 4);

      long killedPid = REAL.server().pid();
      REAL.server().kill();
      assertThat(REAL.server().alive()).isFalse();
      REAL.restart();
      assertThat(REAL.server().pid()).isNotEqualTo(killedPid);
      gate.open();

      WorkflowStub stub = client.newUntypedWorkflowStub(RUN);
      RunResult result = stub.getResult(3, TimeUnit.MINUTES, RunResult.class);
      BilledTotals billed = router.totals();

      assertThat(result.kind()).as(result.toString()).isEqualTo(RunResult.WINNER);
      List<LedgerEntry> ledger =
          LedgerRebuilder.fromHistoryJson(client.fetchHistory(RUN).toJson(true));
      assertThat(LedgerTotals.of(ledger).spentTotal().sameAs(result.spentTotal()))
          .as("ledger %s vs result %s", LedgerTotals.of(ledger).spentTotal(), result.spentTotal())
          .isTrue();
      assertThat(run.ledger().totals().spentTotal().sameAs(result.spentTotal())).isTrue();
      // Billed once: the router saw exactly the calls the ledger records, nothing twice.
      assertThat(billed.tokens()).isEqualTo(result.spentTotal().tokens());
      assertThat(billed.costUsd()).isEqualByComparingTo(result.spentTotal().usd());
      assertThat(ledger.stream().filter(e -> e.kind().equals("settled"))).hasSize(3);
    }
  }

  private static void awaitRejections(GateProxy gate, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (gate.rejected() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never reached the closed gate");
      }
      Thread.sleep(20);
    }
  }
}
