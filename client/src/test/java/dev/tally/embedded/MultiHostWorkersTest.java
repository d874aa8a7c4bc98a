package dev.tally.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.BilledTotals;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.S3ProxyServer;
import dev.tally.worker.TemporalConnection;
import dev.tally.worker.WorkerConfig;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingWorkflowTaskState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §9 with real processes: worker processes that share nothing but Temporal and an S3 store
 * (each its own data directory and host id; for delegations one of them in its own pid namespace,
 * as two containers on one machine are), one of them killed with SIGKILL.
 */
class MultiHostWorkersTest {
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String BUCKET = "tally-multi-host";
  private static final int WORKERS = 3;
  private static final int RETRY_AFTER_SECONDS = 3;

  /** A container's own pid namespace; {@code --kill-child} so a SIGKILL reaches the worker. */
  private static final List<String> OWN_PID_NAMESPACE =
      List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child");

  @TempDir Path dir;

  private Map<String, String> env(
      String queue, String address, S3ProxyServer s3, String host, String routerBaseUrl) {
    Map<String, String> env = new HashMap<>(s3.workerEnv(BUCKET, "runs"));
    env.put(WorkerConfig.TEMPORAL_ADDRESS, address);
    env.put(WorkerConfig.TALLY_TASK_QUEUE, queue);
    env.put(WorkerConfig.TALLY_STICKY, "off");
    env.put(WorkerConfig.TALLY_DATA_DIR, dir.resolve("data-" + host).toString());
    env.put("TALLY_HOST_ID", host);
    if (routerBaseUrl != null) {
      env.put(RouterConfig.BASE_URL_ENV, routerBaseUrl);
      env.put(RouterConfig.DRIVER_MODEL_ENV, ScriptedRouter.MODEL);
      env.put(RouterConfig.WORKER_MODEL_ENV, ScriptedRouter.MODEL);
    }
    return env;
  }

  @Test
  void supervisedRun_workerKilledMidRun_otherHostFinishesFromTheS3Conversation() throws Exception {
    String queue = "multi-host-run";
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0);
        S3ProxyServer s3 = S3ProxyServer.start();
        ScriptedRouter router = ScriptedRouter.start(0, WORKERS);
        GateProxy gate = GateProxy.start(router.baseUrl(), RETRY_AFTER_SECONDS);
        TemporalConnection connection = TemporalConnection.open(server.address(), "default")) {
      s3.createBucket(BUCKET);
      String id = "multi-host-run-a";
      WorkerProcess a =
          WorkerProcess.start(
              env(queue, server.address(), s3, "host-a", gate.baseUrl()),
              dir.resolve("a.log"),
              READY);
      WorkerProcess b;
      try (a) {
        // The first driver turn goes through on A alone, so A writes the conversation's first
        // segment; every later call waits at the gate while B starts, then A dies.
        gate.closeAfter(1);
        WorkflowStub run = startRun(connection.client(), queue, id);
        awaitGateHolding(connection, gate, id);
        b =
            WorkerProcess.start(
                env(queue, server.address(), s3, "host-b", gate.baseUrl()),
                dir.resolve("b.log"),
                READY);
        a.kill();
        gate.open();
        try (b) {
          RunResult result = run.getResult(3, TimeUnit.MINUTES, RunResult.class);
          BilledTotals billed = router.totals();

          assertThat(result.kind()).as(result.toString()).isEqualTo(RunResult.WINNER);
          LedgerTotals ledger =
              LedgerTotals.of(
                  LedgerRebuilder.fromHistoryJson(
                      connection.client().fetchHistory(id).toJson(true)));
          assertThat(ledger.spentTotal().sameAs(result.spentTotal())).isTrue();
          assertThat(billed.tokens()).isEqualTo(result.spentTotal().tokens());
          assertThat(billed.costUsd()).isEqualByComparingTo(result.spentTotal().usd());
          // B, with its own empty data directory, carried on A's conversation: only S3 had it.
          assertThat(activityIdentities(connection, id, "RouterChat"))
              .anyMatch(i -> i.startsWith(a.pid() + "@"))
              .anyMatch(i -> i.startsWith(b.pid() + "@"));
          assertThat(dir.resolve("data-host-b").resolve("blobs")).doesNotExist();
          assertThat(b.log()).doesNotContain("ConversationMissing");
        }
      }
    }
  }

  @Test
  void delegation_ticksStayOnTheDispatchingHost_thenHostLostWhenItDiesForGood() throws Exception {
    assumeUnshare();
    String queue = "multi-host-dlg";
    Path harness = harnessScript();
    try (LoopbackTemporalServer server = LoopbackTemporalServer.start(0);
        S3ProxyServer s3 = S3ProxyServer.start();
        TemporalConnection connection = TemporalConnection.open(server.address(), "default")) {
      s3.createBucket(BUCKET);
      Map<String, String> envA = sandboxEnv(queue, server.address(), s3, "host-a", harness);
      Map<String, String> envB = sandboxEnv(queue, server.address(), s3, "host-b", harness);
      // Long enough for a restarted A to come back (part 1); the A of part 2 dies for good, and
      // its leases carry a short host timeout so the test need not wait ten minutes.
      envA.put("TALLY_SANDBOX_HOST_TIMEOUT", "60s");
      Map<String, String> envAShortTimeout = new HashMap<>(envA);
      envAShortTimeout.put("TALLY_SANDBOX_HOST_TIMEOUT", "3s");

      // 1. A dispatches; B (another data directory, host id and pid namespace) polls the same
      // queue; A is SIGKILLed and restarted on its own data directory: every tick reaches host-a,
      // the harness starts once, the delegation completes.
      String first = "multi-host-dlg-1";
      WorkerProcess a = WorkerProcess.start(envA, dir.resolve("a1.log"), READY);
      WorkflowStub d1 = submit(connection.client(), queue, first);
      awaitLines(dir.resolve("starts-" + first), 1);
      WorkerProcess b = WorkerProcess.start(OWN_PID_NAMESPACE, envB, dir.resolve("b.log"), READY);
      try {
        Thread.sleep(1_500);
        a.kill();
        try (WorkerProcess again =
            WorkerProcess.start(envAShortTimeout, dir.resolve("a2.log"), READY)) {
          Thread.sleep(1_000);
          Files.writeString(dir.resolve("go-" + first), "go");
          DelegationResult done = d1.getResult(2, TimeUnit.MINUTES, DelegationResult.class);

          assertThat(done.status()).as(done.toString()).isEqualTo(DelegationStatus.COMPLETED);
          assertThat(Files.readAllLines(dir.resolve("starts-" + first))).hasSize(1);
          List<String> ticks = activityIdentities(connection, first, "DriveTurn");
          assertThat(ticks).hasSizeGreaterThan(3);
          assertThat(ticks)
              .allMatch(i -> i.startsWith(a.pid() + "@") || i.startsWith(again.pid() + "@"));
          assertThat(dir.resolve("data-host-b").resolve("sandboxes")).doesNotExist();

          // 2. The same, but A's host dies for good: the turn fails as SandboxHostLost after the
          // host timeout, and no harness starts anywhere else.
          String second = "multi-host-dlg-2";
          b.close();
          WorkflowStub d2 = submit(connection.client(), queue, second);
          awaitLines(dir.resolve("starts-" + second), 1);
          try (WorkerProcess b2 =
              WorkerProcess.start(OWN_PID_NAMESPACE, envB, dir.resolve("b2.log"), READY)) {
            Thread.sleep(1_000);
            again.kill();
            DelegationResult lost = d2.getResult(2, TimeUnit.MINUTES, DelegationResult.class);

            assertThat(lost.status()).as(lost.toString()).isEqualTo(DelegationStatus.FAILED);
            assertThat(lost.error().kind()).isEqualTo(SandboxFailures.SANDBOX_HOST_LOST);
            assertThat(lost.error().message()).contains("sandbox host host-a");
            assertThat(Files.readAllLines(dir.resolve("starts-" + second))).hasSize(1);
            assertThat(dir.resolve("data-host-b").resolve("sandboxes")).doesNotExist();
            assertThat(b2.log()).doesNotContain("acquired").doesNotContain("dispatched harness");

            // 3. Host A comes back: its start-up sweep releases the box the lost turn left
            // behind, stopping the harness that was still waiting there.
            String session = second + "-v1";
            Path box = dir.resolve("data-host-a").resolve("sandboxes").resolve(session);
            long orphan =
                Long.parseLong(
                    Files.readAllLines(dir.resolve("starts-" + second))
                        .get(0)
                        .substring("started ".length())
                        .strip());
            assertThat(box.resolve("work")).exists();
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);
            try (WorkerProcess back =
                WorkerProcess.start(envAShortTimeout, dir.resolve("a3.log"), READY)) {
              // The janitor logs a release once it is whole: marker, process group, working copy.
              for (int i = 0; i < 300 && !back.log().contains("sandbox janitor released"); i++) {
                Thread.sleep(100);
              }
              assertThat(box.resolve("control/released")).exists();
              assertThat(box.resolve("work")).doesNotExist();
              for (int i = 0; i < 100 && ProcessHandle.of(orphan).isPresent(); i++) {
                Thread.sleep(100);
              }
              assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                  .as("the lost turn's harness is stopped")
                  .isFalse();
              assertThat(back.log())
                  .contains("sandbox janitor released " + session)
                  .contains("workflow " + second + " has ended (");
            }
          } finally {
            // The orphaned harness on the lost host ends once it is told to.
            Files.writeString(dir.resolve("go-" + second), "go");
          }
        }
      } finally {
        b.close();
        a.close();
      }
    }
  }

  private Map<String, String> sandboxEnv(
      String queue, String address, S3ProxyServer s3, String host, Path harness) {
    Map<String, String> env = env(queue, address, s3, host, null);
    // The harness counts its starts in one file outside every data directory, so a second start
    // on any host would show; it answers once its go file exists.
    env.put("TALLY_LOCAL_HARNESS", "STARTS_DIR='" + dir + "' /bin/sh '" + harness + "'");
    env.put("TALLY_TICK_INTERVAL_MS", "200");
    env.put("TALLY_SANDBOX_HOST_TIMEOUT", "3s");
    return env;
  }

  private Path harnessScript() throws IOException {
    Path script = dir.resolve("harness.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        # The task id is the working copy's parent directory name up to its variant suffix.
        task=$(basename "$(dirname "$PWD")" | sed 's/-v[0-9]*$//')
        echo "started $$" >> "$STARTS_DIR/starts-$task"
        # Waits for its go file; gives up when the test's directory is gone or after 3 minutes,
        # so no harness outlives the test (the one on the "lost" host is never told to stop).
        i=0
        while [ ! -f "$STARTS_DIR/go-$task" ] && [ -d "$STARTS_DIR" ] && [ $i -lt 1800 ]; do
          sleep 0.1; i=$((i + 1))
        done
        # A grounded research result (SPEC §11): the answer, no facts to gate.
        echo '{"answer": "the answer is 42", "facts": [], "sources": []}'
        """);
    return script;
  }

  private static WorkflowStub submit(WorkflowClient client, String queue, String id) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("question", "what is the answer?");
    args.put("namespace", "multi-host");
    DelegationRequest base = DelegationRequest.of(DelegationProfiles.RESEARCHER, args, null);
    DelegationRequest request =
        new DelegationRequest(base.profile(), base.args(), base.namespace(), 200L, null);
    DelegationWorkflow d =
        client.newWorkflowStub(
            DelegationWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
    WorkflowClient.start(d::run, request);
    return WorkflowStub.fromTyped(d);
  }

  private static WorkflowStub startRun(WorkflowClient client, String queue, String id) {
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
    WorkflowClient.start(
        run::run,
        new RunRequest(
            TextNode.valueOf("Name three ways to cut LLM agent costs"),
            new Budget(8L, 60_000L, new BigDecimal("0.50"), null),
            new Budget(1L, 8_000L, new BigDecimal("0.05"), null),
            null,
            null,
            null,
            null,
            null,
            null));
    return WorkflowStub.fromTyped(run);
  }

  private static void assumeUnshare() throws InterruptedException {
    boolean works;
    try {
      Process p =
          new ProcessBuilder(List.of("unshare", "--pid", "--fork", "--mount-proc", "true"))
              .redirectErrorStream(true)
              .start();
      works = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      works = false;
    }
    String why =
        "a worker in its own pid namespace needs `unshare --pid --fork --mount-proc` (root or"
            + " user namespaces); not available here";
    if (Boolean.getBoolean("tally.requireTools")) {
      assertThat(works).as(why).isTrue();
    }
    assumeTrue(works, why);
  }

  private static void awaitLines(Path file, int n) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(file) || Files.readAllLines(file).size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the harness never started (" + file + ")");
      }
      Thread.sleep(50);
    }
  }

  /** The identities of the workers that started each {@code type} activity of {@code id}. */
  private static List<String> activityIdentities(TemporalConnection c, String id, String type) {
    List<HistoryEvent> events = c.client().fetchHistory(id).getEvents();
    Set<Long> scheduled =
        events.stream()
            .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals(type))
            .map(HistoryEvent::getEventId)
            .collect(Collectors.toSet());
    List<String> identities = new ArrayList<>();
    for (HistoryEvent e : events) {
      if (e.hasActivityTaskStartedEventAttributes()
          && scheduled.contains(e.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
        identities.add(e.getActivityTaskStartedEventAttributes().getIdentity());
      }
    }
    // Child workflows (the run's workers) make calls of their own.
    for (String child : childIds(events)) {
      identities.addAll(activityIdentities(c, child, type));
    }
    return identities;
  }

  private static List<String> childIds(List<HistoryEvent> events) {
    return events.stream()
        .filter(HistoryEvent::hasStartChildWorkflowExecutionInitiatedEventAttributes)
        .map(e -> e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId())
        .distinct()
        .toList();
  }

  /** Waits until the run waits at the closed gate with nothing running (as WorkerRestartTest). */
  private static void awaitGateHolding(TemporalConnection c, GateProxy gate, String id)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> nodes = new ArrayList<>(List.of(id));
    for (int i = 1; i <= WORKERS; i++) {
      nodes.add(id + ":s" + i);
    }
    while (gate.inFlight() > 0 || !nodes.stream().allMatch(n -> atRest(c, n))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never came to rest at the closed gate");
      }
      Thread.sleep(20);
    }
  }

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
      return false;
    }
    boolean taskRunning =
        d.hasPendingWorkflowTask()
            && d.getPendingWorkflowTask().getState()
                == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;
    return !taskRunning
        && d.getPendingActivitiesCount() > 0
        && d.getPendingActivitiesList().stream().allMatch(p -> p.getAttempt() >= 2);
  }
}
