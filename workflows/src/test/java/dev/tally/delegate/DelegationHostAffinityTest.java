package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.meter.RecordingMeter;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.TurnUsage;
import dev.tally.testing.HistoryCapture;
import dev.tally.visibility.FixedVisibility;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §9: a session's activities after acquire run on the task queue of the host whose worker made
 * the box, and a host that never picks them up ends the turn as {@code SandboxHostLost}.
 */
class DelegationHostAffinityTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final FakeSandbox sandbox = new FakeSandbox();
  private final RecordingMeter meter = new RecordingMeter();

  @AfterEach
  void unblock() {
    sandbox.releaseHeld();
  }

  private static DelegationWorkflow stub(WorkflowClient client, Worker worker, String id) {
    return client.newWorkflowStub(
        DelegationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
  }

  @Test
  void pinnedLease_everyActivityAfterAcquire_runsOnTheHostQueue(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String hostQueue = worker.getTaskQueue() + "-host-a";
    String id = "dlg-host-pinned";
    String session = DelegationIds.sessionId(id, 1);
    sandbox
        .pinTo("a", hostQueue, Duration.ofMinutes(10).toMillis())
        .script(
            session,
            TurnTick.running(0L),
            TurnTick.completed("done", null, new TurnUsage(5, 5, new BigDecimal("0.01"), null)));
    worker.registerActivitiesImplementations(sandbox, meter, FixedVisibility.unlisted());
    env.newWorker(hostQueue).registerActivitiesImplementations(sandbox);
    env.start();

    DelegationResult r = stub(client, worker, id).run(DelegationWorkflowTest.coder("pin me"));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    String main = worker.getTaskQueue();
    assertThat(sandbox.queues())
        .containsExactly(
            "AcquireSandbox@" + main,
            "DriveTurn@" + hostQueue,
            "DriveTurn@" + hostQueue,
            "SettleTurn@" + hostQueue,
            "ReleaseSandbox@" + hostQueue);
    HistoryCapture.save("delegation-host-pinned", client.fetchHistory(id));
  }

  @Test
  void hostNeverPollsItsQueue_turnFailsAsSandboxHostLost_neverRunsElsewhere(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-host-lost";
    String session = DelegationIds.sessionId(id, 1);
    // Nobody polls the host's queue: the host is gone. The main worker has the sandbox too, so
    // a tick scheduled there would run (and show up below).
    sandbox
        .pinTo("gone", worker.getTaskQueue() + "-host-gone", Duration.ofSeconds(2).toMillis())
        .script(session, TurnTick.running(0L));
    worker.registerActivitiesImplementations(sandbox, meter, FixedVisibility.unlisted());
    env.start();

    DelegationResult r = stub(client, worker, id).run(DelegationWorkflowTest.coder("lost"));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.SANDBOX_HOST_LOST);
    assertThat(r.error().message())
        .contains("sandbox host gone did not pick up DriveTurn")
        .contains(session)
        .contains("not re-dispatched");
    assertThat(sandbox.queues()).containsExactly("AcquireSandbox@" + worker.getTaskQueue());
    assertThat(sandbox.ticks(session)).isZero();
    HistoryCapture.save("delegation-host-lost", client.fetchHistory(id));
  }

  @Test
  void twoVariantsOnTwoHosts_eachVariantStaysOnItsOwnHost(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-host-variants";
    String v1 = DelegationIds.sessionId(id, 1);
    String v2 = DelegationIds.sessionId(id, 2);
    String hostQueue = worker.getTaskQueue() + "-host-a";
    sandbox
        .pinTo("a", hostQueue, Duration.ofMinutes(10).toMillis())
        .script(v1, TurnTick.completed("v1", null, null))
        .script(v2, TurnTick.running(0L), TurnTick.completed("v2", null, null));
    worker.registerActivitiesImplementations(sandbox, meter, FixedVisibility.unlisted());
    env.newWorker(hostQueue).registerActivitiesImplementations(sandbox);
    env.start();
    var request = DelegationWorkflowTest.coder("two ways");
    ((ObjectNode) request.args()).put("variants", 2);

    DelegationResult r = stub(client, worker, id).run(request);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    List<String> afterAcquire =
        sandbox.queues().stream().filter(q -> !q.startsWith("AcquireSandbox@")).toList();
    assertThat(afterAcquire).isNotEmpty().allMatch(q -> q.endsWith("@" + hostQueue));
    assertThat(Json.CANONICAL.valueToTree(r.turns()).toString()).contains(v1).contains(v2);
    assertThat(r.turns()).extracting(TurnView::host).as("where each box is").containsOnly("a");
  }
}
