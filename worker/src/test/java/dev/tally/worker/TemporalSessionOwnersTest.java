package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.sandbox.SessionOwners;
import dev.tally.sandbox.SessionOwners.Verdict;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fates from a real (test) server: workflows that ended, run, were never started, or gave up on a
 * host queue nobody polls, as {@code SandboxTurn} does when a host is lost.
 */
class TemporalSessionOwnersTest {
  private static final String QUEUE = "owners-test";
  private static final String HOST_QUEUE = QUEUE + "-host-gone";

  /** A workflow standing in for an owner of sandbox boxes. */
  @WorkflowInterface
  public interface OwnerWorkflow {
    /** Drives {@code sessionId} on {@code hostQueue} when given, then waits unless told to end. */
    @WorkflowMethod
    String run(String sessionId, String hostQueue, boolean end);

    @SignalMethod
    void finish();
  }

  public static final class OwnerWorkflowImpl implements OwnerWorkflow {
    private boolean finished;

    @Override
    public String run(String sessionId, String hostQueue, boolean end) {
      if (hostQueue != null) {
        try {
          // The same shape as a pinned DriveTurn: the session in the input, the host's queue.
          Workflow.newUntypedActivityStub(
                  ActivityOptions.newBuilder()
                      .setTaskQueue(hostQueue)
                      .setScheduleToStartTimeout(Duration.ofMillis(500))
                      .setStartToCloseTimeout(Duration.ofSeconds(5))
                      .build())
              .execute("DriveTurn", String.class, Map.of("sessionId", sessionId));
        } catch (ActivityFailure lost) {
          // SandboxHostLost: the workflow goes on without the host.
        }
      }
      if (!end) {
        Workflow.await(() -> finished);
      }
      return "done";
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private SessionOwners owners;

  @BeforeEach
  void start() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OwnerWorkflowImpl.class);
    env.start();
    client = env.getWorkflowClient();
    owners = new TemporalSessionOwners(env.getWorkflowServiceStubs(), env.getNamespace());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private OwnerWorkflow owner(String id) {
    return client.newWorkflowStub(
        OwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
  }

  @Test
  void fate_endedOwner_isSwept() {
    owner("wf-ended").run("s-ended", null, true);

    SessionOwners.Fate fate = owners.fate("wf-ended", "s-ended", HOST_QUEUE);

    assertThat(fate.verdict()).isEqualTo(Verdict.SWEEP);
    assertThat(fate.reason()).isEqualTo("workflow wf-ended has ended (completed)");
  }

  @Test
  void fate_runningOwner_isKept() {
    WorkflowClient.start(owner("wf-live")::run, "s-live", null, false);

    assertThat(owners.fate("wf-live", "s-live", HOST_QUEUE).verdict()).isEqualTo(Verdict.KEEP);
  }

  @Test
  void fate_ownerNeverStarted_isUnknownNamingTheNamespace() {
    SessionOwners.Fate fate = owners.fate("wf-never", "s-never", HOST_QUEUE);

    assertThat(fate.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(fate.reason()).contains("wf-never").contains(env.getNamespace());
  }

  @Test
  void fate_runningOwnerThatGaveUpOnThisHost_isSweptButOnlyForThatSessionAndHost()
      throws InterruptedException {
    WorkflowClient.start(owner("wf-lost")::run, "s-lost", HOST_QUEUE, false);

    SessionOwners.Fate fate = owners.fate("wf-lost", "s-lost", HOST_QUEUE);
    for (int i = 0; i < 100 && fate.verdict() == Verdict.KEEP; i++) {
      Thread.sleep(100);
      fate = owners.fate("wf-lost", "s-lost", HOST_QUEUE);
    }

    assertThat(fate.verdict()).isEqualTo(Verdict.SWEEP);
    assertThat(fate.reason()).contains("SandboxHostLost").contains(HOST_QUEUE);
    assertThat(owners.fate("wf-lost", "s-other", HOST_QUEUE).verdict())
        .as("another session of the same owner")
        .isEqualTo(Verdict.KEEP);
    assertThat(owners.fate("wf-lost", "s-lost", QUEUE + "-host-other").verdict())
        .as("the same session seen from another host")
        .isEqualTo(Verdict.KEEP);
  }
}
