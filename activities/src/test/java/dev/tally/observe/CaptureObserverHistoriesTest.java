package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Captures the replay corpus of the observer change into the workflows module's histories: runs and
 * a delegation that report when they close, a run that read the playbook, and the observer itself
 * with ops and a digest. Run once, on purpose:
 *
 * <pre>mvn -pl workflows,activities test -Dtest=CaptureObserverHistoriesTest
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtally.captureHistories=true</pre>
 *
 * The corpus is append-only: a file that exists is never written again.
 */
@EnabledIfSystemProperty(named = "tally.captureHistories", matches = "true")
class CaptureObserverHistoriesTest {
  private static final Path DIR = Path.of("../workflows/src/test/resources/histories");

  @Test
  void capture() throws Exception {
    try (ObserverStack stack = new ObserverStack(true, ObserverSettings.DEFAULTS).start()) {
      for (int i = 0; i < 3; i++) {
        assertThat(run(stack, "run-observed-" + i, request(null)).kind())
            .isEqualTo(RunResult.WINNER);
      }
      stack
          .client
          .newWorkflowStub(
              DelegationWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId("dlg-observed-ui")
                  .setTaskQueue(ObserverStack.QUEUE)
                  .build())
          .run(
              DelegationRequest.of(
                  "ui-auditor",
                  Json.parse(
                      "{\"workspaceDir\":\"/tmp/ws\",\"routes\":[{\"name\":\"home\","
                          + "\"url\":\"http://127.0.0.1:1/\"}]}"),
                  null));
      stack.awaitOps(4, Duration.ofSeconds(30));
      assertThat(run(stack, "run-observed-playbook", request(true)).kind())
          .isEqualTo(RunResult.WINNER);
      stack.awaitOps(5, Duration.ofSeconds(30));
      stack.observer().digestNow(true);
      for (String id :
          new String[] {
            "run-observed-0",
            "dlg-observed-ui",
            "run-observed-playbook",
            ObserverWorkflow.WORKFLOW_ID
          }) {
        write(id, stack.client.fetchHistory(id).toJson(true));
      }
    }
  }

  private static RunResult run(ObserverStack stack, String id, RunRequest request) {
    return stack
        .client
        .newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(ObserverStack.QUEUE)
                .build())
        .run(request);
  }

  private static RunRequest request(Boolean usePlaybook) {
    return new RunRequest(
            TextNode.valueOf("captured"),
            new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
            Budget.of(2, 50_000),
            null,
            null,
            null,
            null,
            null,
            new EvalRunLabels(null, Map.of("suite", "capture")))
        .withUsePlaybook(usePlaybook);
  }

  private static void write(String id, String json) throws IOException {
    Path file = DIR.resolve(id.replace(':', '_') + ".json");
    if (Files.exists(file)) {
      return;
    }
    Files.writeString(file, json);
  }
}
