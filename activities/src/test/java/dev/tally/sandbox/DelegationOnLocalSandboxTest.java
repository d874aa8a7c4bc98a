package dev.tally.sandbox;

import static dev.tally.sandbox.Fixtures.awaitContent;
import static dev.tally.sandbox.Fixtures.harness;
import static dev.tally.sandbox.Fixtures.running;
import static dev.tally.sandbox.Fixtures.sh;
import static dev.tally.sandbox.Fixtures.starts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.CodeChange;
import dev.tally.delegate.DelegationIds;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.delegate.DelegationWorkflowImpl;
import dev.tally.delegate.Submission;
import dev.tally.json.Json;
import dev.tally.meter.RecordingMeter;
import dev.tally.supervise.CancelRequest;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole path: Delegation on a Temporal test server, driving the local sandbox for real. */
class DelegationOnLocalSandboxTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  @TempDir Path tmp;
  private Path repo;
  private Path script;
  private Path marker;
  private final RecordingMeter meter = new RecordingMeter();

  @BeforeEach
  void setUp() throws IOException {
    repo = Fixtures.gitRepo(tmp);
    script = Fixtures.harnessScript(tmp);
    marker = tmp.resolve("starts.log");
  }

  private void start(TestWorkflowEnvironment env, Worker worker, String harnessCommand) {
    SandboxConfig config = Fixtures.config(tmp.resolve("data"), harnessCommand);
    worker.registerActivitiesImplementations(
        SandboxActivitiesImpl.create(config),
        meter,
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
  }

  private DelegationRequest coder(String goal) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("goal", goal);
    args.put("repoRoot", repo.toString());
    ObjectNode config = args.putObject("config");
    config.put("testCmd", "grep -q hello README.md");
    config.put("typecheckCmd", "true");
    config.putArray("forbiddenPaths").add("secrets/");
    config.put("maxDiffLines", 10);
    return DelegationRequest.of(DelegationProfiles.CODER, args, "e2e").withTiming(100L, null);
  }

  private Path sessionDir(String taskId) {
    return tmp.resolve("data/sandboxes").resolve(DelegationIds.sessionId(taskId, 1));
  }

  @Test
  void coderDelegation_realHarness_completesWithAValidatedPatch_andResubmitReusesIt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(env, worker, harness(script, "usage", marker, null, null));
    DelegationRequest request = coder("greet the reader");

    Submission submitted = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    DelegationResult r =
        client.newUntypedWorkflowStub(submitted.taskId()).getResult(DelegationResult.class);
    Submission again = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    CodeChange change = Json.convert(r.result(), CodeChange.class);
    assertThat(change.filesTouched()).containsExactly("README.md");
    assertThat(change.checks()).allSatisfy(c -> assertThat(c.exitCode()).isZero());
    assertThat(change.summary()).startsWith("did usage for: You are working in a checkout");
    assertThat(tmp.resolve("starts.log.prompt")).content().contains("Goal: greet the reader");
    assertThat(r.costUsd()).isEqualByComparingTo("0.05");
    Path patch = tmp.resolve("change.patch");
    Files.writeString(patch, change.patch());
    sh(repo, "git apply --check '" + patch + "'");
    // Released: the worktree is gone and the user's repository is as it was.
    assertThat(sessionDir(submitted.taskId()).resolve("work")).doesNotExist();
    assertThat(sh(repo, "git worktree list").lines()).hasSize(1);
    assertThat(sh(repo, "git status --porcelain")).isEmpty();
    assertThat(starts(marker)).hasSize(1);
    assertThat(again.taskId()).isEqualTo(submitted.taskId());
    assertThat(again.reused()).isTrue();
    assertThat(again.state().status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(meter.batches()).hasSize(1);
  }

  @Test
  void coderDelegation_changeBreaksARule_failsWithoutAPatch(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker, harness(script, "forbidden", marker, null, null));

    Submission s =
        DelegationSubmitter.submit(client, worker.getTaskQueue(), coder("touch secrets"));
    DelegationResult r =
        client.newUntypedWorkflowStub(s.taskId()).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.VALIDATION_REFUSED);
    assertThat(r.error().message())
        .contains("forbidden path touched: secrets/token.txt")
        .contains("test check `grep -q hello README.md` exited with 1");
    assertThat(r.result()).isNull();
    assertThat(sessionDir(s.taskId()).resolve("work")).doesNotExist();
  }

  @Test
  void cancelSignal_midTurn_killsTheHarnessAndReleasesTheBox(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(env, worker, harness(script, "sleep", marker, null, null));
    Submission s =
        DelegationSubmitter.submit(client, worker.getTaskQueue(), coder("sleep forever"));
    long child = Long.parseLong(awaitContent(tmp.resolve("starts.log.child")));
    assertThat(running(child)).isTrue();

    client
        .newWorkflowStub(DelegationWorkflow.class, s.taskId())
        .cancel(new CancelRequest("stop it"));
    DelegationResult r =
        client.newUntypedWorkflowStub(s.taskId()).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(r.error().message()).isEqualTo("stop it");
    assertThat(running(child)).isFalse();
    long leader =
        Long.parseLong(Files.readString(sessionDir(s.taskId()).resolve("control/pid")).strip());
    assertThat(ProcessGroups.members(leader)).isEmpty();
    assertThat(sessionDir(s.taskId()).resolve("work")).doesNotExist();
    assertThat(sh(repo, "git worktree list").lines()).hasSize(1);
  }

  @Test
  void noHarnessConfigured_failsNamingTheVariable(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker, null);

    Submission s = DelegationSubmitter.submit(client, worker.getTaskQueue(), coder("anything"));
    DelegationResult r =
        client.newUntypedWorkflowStub(s.taskId()).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.SANDBOX_NOT_CONFIGURED);
    assertThat(r.error().message()).contains("TALLY_LOCAL_HARNESS");
  }
}
