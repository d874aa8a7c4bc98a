package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.realserver.ScriptedWorkers;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.BilledTotals;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.worker.TemporalConnection;
import dev.tally.worker.WorkerConfig;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingWorkflowTaskState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The worker as a separate process, killed with SIGKILL in the middle of a run and replaced by a
 * new process: the run completes with the same ledger totals as an uninterrupted run, billed once.
 * The embedded test server needs sticky execution off for it; a real server needs nothing.
 */
public final class WorkerCrash {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String QUEUE = "restart-test";
  private static final int WORKERS = 3;

  /** How long a refused router call waits before its next attempt. */
  private static final int RETRY_AFTER_SECONDS = 5;

  private final Path dir;
  private final boolean sticky;

  /**
   * @param dir where the workers' data and logs go
   * @param sticky whether the workers keep sticky execution on
   */
  public WorkerCrash(Path dir, boolean sticky) {
    this.dir = dir;
    this.sticky = sticky;
  }

  private Map<String, String> workerEnv(String address, String routerBaseUrl) {
    return Map.of(
        WorkerConfig.TEMPORAL_ADDRESS,
        address,
        WorkerConfig.TALLY_TASK_QUEUE,
        QUEUE,
        WorkerConfig.TALLY_STICKY,
        sticky ? "on" : "off",
        WorkerConfig.TALLY_DATA_DIR,
        dir.resolve("data").toString(),
        RouterConfig.BASE_URL_ENV,
        routerBaseUrl,
        RouterConfig.DRIVER_MODEL_ENV,
        ScriptedRouter.MODEL,
        RouterConfig.WORKER_MODEL_ENV,
        ScriptedRouter.MODEL);
  }

  private static WorkflowStub start(WorkflowClient client, String id) {
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    WorkflowClient.start(run::run, ScriptedWorkers.threeWorkerRun());
    return WorkflowStub.fromTyped(run);
  }

  /** Runs the scenario against the server at {@code address}, asserting every step. */
  public void assertRunSurvivesWorkerKill(String address) throws Exception {
    try (ScriptedRouter router = ScriptedRouter.start(0, WORKERS);
        GateProxy gate = GateProxy.start(router.baseUrl(), RETRY_AFTER_SECONDS);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      Map<String, String> env = workerEnv(address, gate.baseUrl());
      WorkerProcess first = WorkerProcess.start(env, dir.resolve("worker-1.log"), READY);
      try (first) {
        runUntilKilled(connection, gate, first);
      }

      WorkflowStub interrupted = connection.client().newUntypedWorkflowStub("restart-run-a");
      gate.open();
      try (WorkerProcess second = WorkerProcess.start(env, dir.resolve("worker-2.log"), READY)) {
        RunResult afterCrash = interrupted.getResult(3, TimeUnit.MINUTES, RunResult.class);
        BilledTotals billedForA = router.totals();

        WorkflowStub uninterrupted = start(connection.client(), "restart-run-b");
        RunResult clean = uninterrupted.getResult(3, TimeUnit.MINUTES, RunResult.class);

        assertThat(afterCrash.kind()).as(afterCrash.toString()).isEqualTo(RunResult.WINNER);
        assertThat(clean.kind()).isEqualTo(RunResult.WINNER);
        assertThat(afterCrash.spentTotal().sameAs(clean.spentTotal()))
            .as(
                "spentTotal after a crash %s vs uninterrupted %s",
                afterCrash.spentTotal(), clean.spentTotal())
            .isTrue();
        assertThat(
                afterCrash
                    .spentBreakdown()
                    .driverInference()
                    .sameAs(clean.spentBreakdown().driverInference()))
            .isTrue();

        List<LedgerEntry> ledgerA = ledger(connection, "restart-run-a");
        List<LedgerEntry> ledgerB = ledger(connection, "restart-run-b");
        assertThat(LedgerTotals.of(ledgerA).spentTotal().sameAs(afterCrash.spentTotal())).isTrue();
        assertThat(LedgerTotals.of(ledgerB).spentTotal().sameAs(clean.spentTotal())).isTrue();
        // The same entries, though settlements may interleave with driver turns differently.
        assertThat(ledgerA.stream().map(LedgerEntry::kind))
            .containsExactlyInAnyOrderElementsOf(ledgerB.stream().map(LedgerEntry::kind).toList());

        // The router billed the interrupted run exactly what its ledger says: nothing twice.
        assertThat(billedForA.tokens()).isEqualTo(afterCrash.spentTotal().tokens());
        assertThat(billedForA.costUsd()).isEqualByComparingTo(afterCrash.spentTotal().usd());

        // Both processes worked on the interrupted run: it really moved to the new worker.
        assertThat(workflowTaskIdentities(connection, "restart-run-a"))
            .anyMatch(id -> id.startsWith(first.pid() + "@"))
            .anyMatch(id -> id.startsWith(second.pid() + "@"));
        assertThat(gate.rejected()).isPositive();

        // SIGTERM: the shutdown hook finishes in-flight work and says so.
        second.terminate(Duration.ofSeconds(30));
        assertThat(second.log())
            .contains("stopping: finishing in-flight tasks")
            .contains("stopped");
      }
    }
  }

  /** Starts run A on {@code worker} and kills the worker while the run is in the middle. */
  private static void runUntilKilled(
      TemporalConnection connection, GateProxy gate, WorkerProcess worker)
      throws InterruptedException {
    // The first driver turn (the spawns) goes through; every later call waits at the gate.
    gate.closeAfter(1);
    start(connection.client(), "restart-run-a");
    awaitGateHolding(connection, gate);
    assertThat(status(connection, "restart-run-a"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    worker.kill();
  }

  /**
   * Waits until the run is at rest at the closed gate: the driver's call and every worker's call
   * were refused and Temporal recorded each refusal (the pending attempt moved past the first), no
   * workflow task is running and no call is in flight. The next attempts are {@link
   * #RETRY_AFTER_SECONDS} away, so a kill now interrupts the run between steps, as a crash between
   * two polls would, without leaving an attempt to its three-minute timeout.
   */
  private static void awaitGateHolding(TemporalConnection c, GateProxy gate)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> nodes = new ArrayList<>(List.of("restart-run-a"));
    for (int i = 1; i <= WORKERS; i++) {
      nodes.add("restart-run-a:s" + i);
    }
    while (gate.inFlight() > 0 || !nodes.stream().allMatch(n -> atRest(c, n))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never came to rest at the closed gate");
      }
      Thread.sleep(20);
    }
  }

  /** Whether {@code id} waits on a refused router call and runs nothing on any worker. */
  private static boolean atRest(TemporalConnection c, String id) {
    DescribeWorkflowExecutionResponse d;
    try {
      d =
          c.stubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                      .build());
    } catch (StatusRuntimeException e) {
      return false; // A worker not spawned yet.
    }
    boolean taskRunning =
        d.hasPendingWorkflowTask()
            && d.getPendingWorkflowTask().getState()
                == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;
    return !taskRunning
        && d.getPendingActivitiesCount() > 0
        && d.getPendingActivitiesList().stream().allMatch(a -> a.getAttempt() >= 2);
  }

  private static WorkflowExecutionStatus status(TemporalConnection c, String id) {
    return c.client().newUntypedWorkflowStub(id).describe().getStatus();
  }

  private static List<LedgerEntry> ledger(TemporalConnection c, String id) {
    return LedgerRebuilder.fromHistoryJson(c.client().fetchHistory(id).toJson(true));
  }

  private static Set<String> workflowTaskIdentities(TemporalConnection c, String id) {
    return c.client().fetchHistory(id).getEvents().stream()
        .filter(HistoryEvent::hasWorkflowTaskStartedEventAttributes)
        .map(e -> e.getWorkflowTaskStartedEventAttributes().getIdentity())
        .collect(Collectors.toSet());
  }
}
