package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.delegate.Submission;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.realserver.RealTemporalExtension;
import dev.tally.realserver.ScratchRepo;
import dev.tally.realserver.ScriptedWorkers;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cancels that land whenever they land, on Temporal's own server. The test-server suites wait until
 * a workflow sits in a timer before cancelling, because the SDK's test server can lose a workflow
 * task when a cancel arrives as an activity completes; a real server has no such bug, so here the
 * cancel comes after a fixed delay, wherever the run happens to be.
 */
class CancelAtAnyMomentIT {
  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir static Path dir;
  private static DevStack worker;
  private static Path repo;
  private static Path pids;

  @BeforeAll
  static void start() throws Exception {
    repo = ScratchRepo.create(dir);
    pids = Files.createDirectories(dir.resolve("pids"));
    // A harness that would take a minute, and says where it runs.
    Path harness =
        ScratchRepo.harness(
            dir, "harness.sh", "echo $$ > " + pids + "/$$\nsleep 60\n" + ScratchRepo.ADD_A_LINE);
    worker =
        DevStack.beside(
            REAL.server(),
            java.util.Map.of(
                WorkerConfig.TALLY_DATA_DIR,
                dir.resolve("data").toString(),
                "TALLY_LOCAL_HARNESS",
                harness.toString(),
                "TALLY_TICK_INTERVAL_MS",
                "200"),
            true);
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  @ParameterizedTest(name = "{1} after {0} ms")
  @CsvSource({
    "0, signal",
    "0, temporal",
    "60, signal",
    "150, temporal",
    "300, signal",
    "600, temporal",
    "1000, signal",
    "1500, temporal"
  })
  void supervisedRun_cancelledAfterAnyDelay_endsWithASettledExactLedger(long delayMs, String how)
      throws Exception {
    String id = "run-cancel-" + how + "-" + delayMs;
    WorkflowClient client = worker.connection().client();
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(worker.config().taskQueue())
                .build());
    WorkflowClient.start(run::run, ScriptedWorkers.threeWorkerRun());
    Thread.sleep(delayMs);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    try {
      if (how.equals("signal")) {
        run.cancel(new CancelRequest("stop at " + delayMs));
      } else {
        stub.cancel();
      }
    } catch (WorkflowNotFoundException finishedFirst) {
      // The run ended before the cancel arrived: the server says so, and the winner stands.
      assertThat(stub.getResult(RunResult.class).kind()).isEqualTo(RunResult.WINNER);
    }

    RunResult result = resultOf(stub, how);
    // A run that finished before the cancel arrived keeps its winner; any other was cancelled.
    assertThat(result.kind().equals(RunResult.WINNER) || "cancelled".equals(result.reason()))
        .as(result.toString())
        .isTrue();
    var ledger = LedgerRebuilder.fromHistoryJson(client.fetchHistory(id).toJson(true));
    assertThat(LedgerTotals.of(ledger).spentTotal().sameAs(result.spentTotal())).isTrue();
    Set<String> spawned = nodes(ledger, "spawned");
    Set<String> closed = nodes(ledger, "settled");
    closed.addAll(nodes(ledger, "cancelled"));
    assertThat(closed).as("every reservation settled").containsAll(spawned);
  }

  @ParameterizedTest(name = "{1} after {0} ms")
  @CsvSource({"0, temporal", "100, signal", "250, temporal", "500, signal", "1200, temporal"})
  void delegation_cancelledAfterAnyDelay_endsCancelledWithItsHarnessGone(long delayMs, String how)
      throws Exception {
    WorkflowClient client = worker.connection().client();
    DelegationRequest request = ScratchRepo.coder(repo, "cancel " + how + " after " + delayMs);
    Set<String> before = harnessPids();
    Submission submitted = DelegationSubmitter.submit(client, worker.config().taskQueue(), request);
    Thread.sleep(delayMs);
    WorkflowStub stub = client.newUntypedWorkflowStub(submitted.taskId());
    if (how.equals("signal")) {
      client
          .newWorkflowStub(DelegationWorkflow.class, submitted.taskId())
          .cancel(new CancelRequest("stop"));
    } else {
      stub.cancel();
    }
    try {
      stub.getResult(60, TimeUnit.SECONDS, JsonNode.class);
    } catch (WorkflowFailedException cancelledByTemporal) {
      // Temporal keeps no result for a workflow it cancelled; the state below says the rest.
    }

    DelegationStatus state = DelegationSubmitter.stateOf(client, submitted.taskId());
    assertThat(state.status()).as(state.toString()).isEqualTo(DelegationStatus.CANCELLED);
    // The same input again is the same, cancelled task.
    Submission again = DelegationSubmitter.submit(client, worker.config().taskQueue(), request);
    assertThat(again.reused()).isTrue();
    assertThat(again.state().status()).isEqualTo(DelegationStatus.CANCELLED);
    // A harness that had started is gone (the session was cancelled before the box was released).
    Set<String> started = harnessPids();
    started.removeAll(before);
    for (String pid : started) {
      awaitGone(pid, Duration.ofSeconds(15));
    }
  }

  private static RunResult resultOf(WorkflowStub stub, String how) throws Exception {
    if (how.equals("signal")) {
      return stub.getResult(60, TimeUnit.SECONDS, RunResult.class);
    }
    try {
      // Finished before the cancel: a result; cancelled: Temporal keeps none, the memo has it.
      return stub.getResult(60, TimeUnit.SECONDS, RunResult.class);
    } catch (WorkflowFailedException e) {
      return stub.describe().getMemo("outcome", RunResult.class, RunResult.class);
    }
  }

  private static Set<String> nodes(java.util.List<LedgerEntry> ledger, String kind) {
    return ledger.stream()
        .filter(e -> e.kind().equals(kind))
        .map(LedgerEntry::id)
        .collect(Collectors.toSet());
  }

  private static Set<String> harnessPids() throws IOException {
    try (var files = Files.list(pids)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static void awaitGone(String pid, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (Files.exists(Path.of("/proc", pid))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("harness " + pid + " still running " + within + " after cancel");
      }
      Thread.sleep(100);
    }
  }
}
