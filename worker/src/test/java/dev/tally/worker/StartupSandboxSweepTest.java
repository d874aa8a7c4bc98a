package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.sandbox.AcquireSandboxRequest;
import dev.tally.sandbox.LocalProcessSandbox;
import dev.tally.sandbox.SandboxJanitor;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up sweep through the real wiring: a worker built by {@link TallyWorker} on a data
 * directory holding git-worktree boxes of an ended and of a running workflow releases the first and
 * keeps the second.
 */
class StartupSandboxSweepTest {
  @TempDir Path tmp;

  @Test
  void start_boxOfAnEndedWorkflow_isReleasedAndARunningOnesIsKept() throws Exception {
    Path repo = gitRepo(tmp.resolve("repo"));
    Path dataDir = tmp.resolve("data");
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      Worker owners = env.newWorker("owners");
      owners.registerWorkflowImplementationTypes(TemporalSessionOwnersTest.OwnerWorkflowImpl.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      owner(client, "wf-ended").run(null, null, true);
      WorkflowClient.start(owner(client, "wf-live")::run, null, null, false);
      WorkerConfig config =
          WorkerConfig.fromEnv(
              Map.of(
                  "TALLY_DATA_DIR", dataDir.toString(),
                  "TALLY_HOST_ID", "h1",
                  "TALLY_LOCAL_HARNESS", "true"));
      LocalProcessSandbox boxes = new LocalProcessSandbox(config.sandbox());
      boxes.acquire(
          new AcquireSandboxRequest("s-ended", "coder", repo.toString()), "wf-ended", () -> {});
      boxes.acquire(
          new AcquireSandboxRequest("s-live", "coder", repo.toString()), "wf-live", () -> {});
      Path sessions = dataDir.resolve("sandboxes");

      SandboxJanitor.Report report;
      try (TallyWorker worker = TallyWorker.create(client, config).start()) {
        report = worker.sandboxSweep().get(60, TimeUnit.SECONDS);
      }

      assertThat(report.released()).containsOnlyKeys("s-ended");
      assertThat(report.released().get("s-ended")).contains("wf-ended has ended (completed)");
      assertThat(report.kept()).containsOnlyKeys("s-live");
      assertThat(sessions.resolve("s-ended/work")).doesNotExist();
      assertThat(sessions.resolve("s-ended/control/released")).exists();
      assertThat(sessions.resolve("s-live/work/README.md")).exists();
      String worktrees = sh(repo, "git worktree list");
      assertThat(worktrees).doesNotContain("s-ended").contains("s-live");
    }
  }

  private static TemporalSessionOwnersTest.OwnerWorkflow owner(WorkflowClient client, String id) {
    return client.newWorkflowStub(
        TemporalSessionOwnersTest.OwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("owners").build());
  }

  private static Path gitRepo(Path repo) throws IOException, InterruptedException {
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("README.md"), "# demo\n");
    sh(repo, "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -q -m init");
    return repo;
  }

  private static String sh(Path dir, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit of `%s`: %s", command, out).isZero();
    return out;
  }
}
