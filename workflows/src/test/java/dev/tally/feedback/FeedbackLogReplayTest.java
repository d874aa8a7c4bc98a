package dev.tally.feedback;

import dev.tally.TallyWorkflows;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportReceipt;
import dev.tally.json.TallyDataConverter;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays a captured {@code FeedbackLog} history (two ratings, a gate decision re-exported) against
 * today's code. Capture again only after a deliberate, versioned change:
 *
 * <pre>mvn -pl workflows test -Dtest=FeedbackLogReplayTest -Dtally.captureHistories=true</pre>
 */
class FeedbackLogReplayTest {
  private static final Path FILE =
      Path.of("src/test/resources/histories/feedback/fb-run-replay.json");
  private static final String TARGET = "run-replay";

  @Test
  void capturedHistory_replaysWithoutNondeterminism() throws Exception {
    WorkflowExecutionHistory recorded =
        WorkflowExecutionHistory.fromJson(
            Files.readString(FILE), FeedbackLogWorkflow.workflowId(TARGET));
    WorkflowReplayer.replayWorkflowExecution(recorded, FeedbackLogWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "tally.captureHistories", matches = "true")
  void capture() throws Exception {
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build())) {
      Worker worker = env.newWorker(TallyWorkflows.DEFAULT_TASK_QUEUE);
      TallyWorkflows.register(worker);
      worker.registerActivitiesImplementations(
          (ExportEvalRunsActivities)
              batch -> new ExportReceipt(ExportReceipt.QUEUED, 0, 0, List.of()));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      EvalRunEvent record =
          new EvalRunEvent(
              TARGET,
              TARGET,
              "2026-11-22T00:00:00Z",
              EvalRunEvent.FINISHED,
              Map.of(),
              List.of(),
              null,
              null,
              new BigDecimal("0.01"),
              10,
              null);
      submit(client, rating("r1"), null);
      submit(client, rating("r2"), null);
      submit(
          client,
          new FeedbackEvent(
              "g1",
              TARGET,
              FeedbackEvent.GATE,
              null,
              null,
              null,
              "me",
              "2026-11-22T00:00:01Z",
              "ship",
              null),
          record);
      FeedbackLogWorkflow log =
          client.newWorkflowStub(FeedbackLogWorkflow.class, FeedbackLogWorkflow.workflowId(TARGET));
      for (int i = 0; i < 400 && log.feedback().exports().isEmpty(); i++) {
        Thread.sleep(25);
      }
      Files.createDirectories(FILE.getParent());
      Files.writeString(
          FILE, client.fetchHistory(FeedbackLogWorkflow.workflowId(TARGET)).toJson(true));
    }
  }

  private static FeedbackEvent rating(String id) {
    return new FeedbackEvent(
        id,
        TARGET,
        FeedbackEvent.FEEDBACK,
        0.5,
        null,
        null,
        "me",
        "2026-11-22T00:00:00Z",
        null,
        null);
  }

  private static void submit(WorkflowClient client, FeedbackEvent event, EvalRunEvent record) {
    FeedbackLogWorkflow log =
        client.newWorkflowStub(
            FeedbackLogWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FeedbackLogWorkflow.workflowId(TARGET))
                .setTaskQueue(TallyWorkflows.DEFAULT_TASK_QUEUE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(log::run, FeedbackLog.empty(TARGET));
    request.add(log::record, new FeedbackSubmission(event, record));
    client.signalWithStart(request);
  }
}
