package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.meter.RecordingMeter;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.TurnTick;
import dev.tally.supervise.CancelRequest;
import dev.tally.visibility.FixedVisibility;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DelegationSubmitterTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final FakeSandbox sandbox = new FakeSandbox();

  private void start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(
        sandbox, new RecordingMeter(), FixedVisibility.unlisted());
    env.start();
  }

  private static DelegationResult awaitEnd(WorkflowClient client, String taskId) {
    return client.newUntypedWorkflowStub(taskId).getResult(DelegationResult.class);
  }

  @Test
  void sameInput_whileRunning_returnsTheSameTaskAndItsState(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationRequest request =
        DelegationWorkflowTest.coder("slow goal").withTiming(3_600_000L, null);
    String taskId = DelegationIds.taskId(request);
    sandbox.script(DelegationIds.sessionId(taskId, 1), TurnTick.running(0L));
    start(env, worker);

    Submission first = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    sandbox.awaitFirstTick();
    DelegationWorkflowTest.awaitPhase(
        client.newWorkflowStub(DelegationWorkflow.class, taskId), "detached-running 0s");
    Submission second = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);

    assertThat(first).isEqualTo(new Submission(taskId, false, null));
    assertThat(second.taskId()).isEqualTo(taskId);
    assertThat(second.reused()).isTrue();
    assertThat(second.state().status()).isEqualTo(DelegationStatus.RUNNING);
    assertThat(sandbox.calls()).filteredOn(c -> c.startsWith("acquire")).hasSize(1);
    client.newWorkflowStub(DelegationWorkflow.class, taskId).cancel(new CancelRequest("test over"));
    awaitEnd(client, taskId);
  }

  /** A structured research result with no facts. */
  private static String answer(String text) {
    return "{\"answer\": \"" + text + "\", \"facts\": [], \"sources\": []}";
  }

  @Test
  void sameInput_afterCompletion_returnsTheFinishedTaskWithoutRunningAgain(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    DelegationRequest request = DelegationWorkflowTest.research("what is 6 x 7?");
    String taskId = DelegationIds.taskId(request);
    sandbox.script(
        DelegationIds.sessionId(taskId, 1), TurnTick.completed(answer("42"), null, null));
    start(env, worker);
    DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    awaitEnd(client, taskId);

    Submission again = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);

    assertThat(again.taskId()).isEqualTo(taskId);
    assertThat(again.reused()).isTrue();
    assertThat(again.state().status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(again.state().result().get("answer").asText()).isEqualTo("42");
    assertThat(sandbox.calls()).filteredOn(c -> c.startsWith("acquire")).hasSize(1);
  }

  @Test
  void sameInput_afterTemporalCancel_returnsTheCancelledTask(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationRequest request =
        DelegationWorkflowTest.coder("cancel me").withTiming(3_600_000L, null);
    String taskId = DelegationIds.taskId(request);
    sandbox.script(DelegationIds.sessionId(taskId, 1), TurnTick.running(0L));
    start(env, worker);
    DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    sandbox.awaitFirstTick();
    // Cancel once the tick's result is in history and the workflow sits in its timer: the 1.38
    // test server can lose a workflow task when a cancel lands as an activity completes.
    DelegationWorkflowTest.awaitPhase(
        client.newWorkflowStub(DelegationWorkflow.class, taskId), "detached-running 0s");
    WorkflowStub untyped = client.newUntypedWorkflowStub(taskId);
    untyped.cancel();
    assertThatThrownBy(() -> untyped.getResult(DelegationResult.class));

    Submission again = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);

    assertThat(again.reused()).isTrue();
    assertThat(again.state().status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(again.state().profile()).isEqualTo("coder");
    assertThat(again.state().namespace()).isEqualTo("team-a");
  }

  @Test
  void changedInput_startsANewTask(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    DelegationRequest a = DelegationWorkflowTest.research("first question");
    DelegationRequest b = DelegationWorkflowTest.research("second question");
    sandbox
        .script(
            DelegationIds.sessionId(DelegationIds.taskId(a), 1),
            TurnTick.completed(answer("A"), null, null))
        .script(
            DelegationIds.sessionId(DelegationIds.taskId(b), 1),
            TurnTick.completed(answer("B"), null, null));
    start(env, worker);

    Submission sa = DelegationSubmitter.submit(client, worker.getTaskQueue(), a);
    Submission sb = DelegationSubmitter.submit(client, worker.getTaskQueue(), b);

    assertThat(sb.taskId()).isNotEqualTo(sa.taskId());
    assertThat(sa.reused()).isFalse();
    assertThat(sb.reused()).isFalse();
    assertThat(awaitEnd(client, sb.taskId()).result().get("answer").asText()).isEqualTo("B");
  }

  @Test
  void invalidInput_isRefusedBeforeAnythingStarts(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker);
    DelegationRequest bad = DelegationWorkflowTest.coder("g");
    ((ObjectNode) bad.args()).put("variants", 12);

    assertThatThrownBy(() -> DelegationSubmitter.submit(client, worker.getTaskQueue(), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("args.variants: expected an integer in 1..8, got 12");
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void options_useExistingWhileRunning_rejectDuplicateOnceClosed() {
    DelegationRequest r = DelegationWorkflowTest.coder("g");
    WorkflowOptions o = DelegationSubmitter.options(DelegationIds.taskId(r), "q", r);

    assertThat(o.getWorkflowIdConflictPolicy())
        .isEqualTo(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING);
    assertThat(o.getWorkflowIdReusePolicy())
        .isEqualTo(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    assertThat(o.getWorkflowId()).isEqualTo(DelegationIds.taskId(r));
    assertThat(o.getStaticSummary()).isEqualTo("coder: g");
  }
}
