package dev.tally.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.TallyWorkflows;
import dev.tally.export.EvalRunBatch;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportReceipt;
import dev.tally.json.TallyDataConverter;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-target feedback log on the embedded test server, its export port faked at the edge. */
class FeedbackLogWorkflowTest {
  private static final String TARGET = "run-closed";
  private final List<EvalRunBatch> exported = Collections.synchronizedList(new ArrayList<>());
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @AfterEach
  void stop() {
    env.close();
  }

  private void start(boolean timeSkipping) {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build());
    Worker worker = env.newWorker(TallyWorkflows.DEFAULT_TASK_QUEUE);
    TallyWorkflows.register(worker);
    worker.registerActivitiesImplementations(
        (ExportEvalRunsActivities)
            batch -> {
              exported.add(batch);
              return new ExportReceipt(ExportReceipt.SENT, 200, batch.events().size(), List.of());
            });
    env.start();
    client = env.getWorkflowClient();
  }

  private void submit(FeedbackEvent event, EvalRunEvent record) {
    FeedbackLogWorkflow log =
        client.newWorkflowStub(
            FeedbackLogWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FeedbackLogWorkflow.workflowId(event.targetId()))
                .setTaskQueue(TallyWorkflows.DEFAULT_TASK_QUEUE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(log::run, FeedbackLog.empty(event.targetId()));
    request.add(log::record, new FeedbackSubmission(event, record));
    client.signalWithStart(request);
  }

  private FeedbackLog log() {
    return client
        .newWorkflowStub(FeedbackLogWorkflow.class, FeedbackLogWorkflow.workflowId(TARGET))
        .feedback();
  }

  private FeedbackLog awaitLog(Predicate<FeedbackLog> done) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      FeedbackLog l = log();
      if (done.test(l)) {
        return l;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the feedback log did not get there within 10 s: " + log());
  }

  private static FeedbackEvent rating(String id, double score) {
    return new FeedbackEvent(
        id,
        TARGET,
        FeedbackEvent.FEEDBACK,
        score,
        "good",
        "n",
        "me",
        "2026-11-22T00:00:00Z",
        null,
        null);
  }

  private static FeedbackEvent gate(String id, String decision) {
    return new FeedbackEvent(
        id,
        TARGET,
        FeedbackEvent.GATE,
        null,
        null,
        null,
        "me",
        "2026-11-22T01:00:00Z",
        decision,
        0.05);
  }

  private static EvalRunEvent finishedRecord() {
    return new EvalRunEvent(
        TARGET,
        "runs/c",
        "2026-11-21T00:00:00Z",
        EvalRunEvent.FINISHED,
        Map.of("k", "v"),
        List.of(),
        null,
        null,
        new BigDecimal("0.42"),
        1234,
        null);
  }

  @Test
  void ratings_areKeptInOrderAndAResubmissionOnce() throws Exception {
    start(false);

    submit(rating("e1", 0.5), null);
    submit(rating("e2", 0.5), null);
    submit(rating("e1", 0.5), null);

    FeedbackLog log = awaitLog(l -> l.events().size() >= 2);
    assertThat(log.targetId()).isEqualTo(TARGET);
    assertThat(log.events()).extracting(FeedbackEvent::eventId).containsExactly("e1", "e2");
    assertThat(log.exports()).isEmpty();
    assertThat(exported).isEmpty();
  }

  @Test
  void invalidRating_isRefusedAndReported() throws Exception {
    start(false);

    submit(rating("bad", 1.5), null);
    submit(rating("ok", 0.1), null);

    FeedbackLog log = awaitLog(l -> !l.events().isEmpty());
    assertThat(log.events()).extracting(FeedbackEvent::eventId).containsExactly("ok");
    assertThat(log.refused()).singleElement().asString().contains("score").contains("1.5");
  }

  @Test
  void gate_withEvalRecord_reexportsItAsGateDecidedUnderTheSameRunId() throws Exception {
    start(false);

    submit(gate("g1", "ship"), finishedRecord());
    submit(gate("g2", "hold"), finishedRecord());

    FeedbackLog log = awaitLog(l -> l.exports().size() == 2);
    assertThat(log.exports()).extracting(GateExport::status).containsExactly("sent", "sent");
    assertThat(exported)
        .extracting(EvalRunBatch::idempotencyKey)
        .containsExactly(TARGET + "/gate-decided/g1", TARGET + "/gate-decided/g2");
    EvalRunEvent first = exported.get(0).events().get(0);
    assertThat(first.runId()).isEqualTo(TARGET);
    assertThat(first.status()).isEqualTo(EvalRunEvent.GATE_DECIDED);
    assertThat(first.gateDecision()).isEqualTo("ship");
    assertThat(first.holdoutLift()).isEqualTo(0.05);
    assertThat(first.totalCostUsd()).isEqualByComparingTo("0.42");
    assertThat(first.timestamp()).isEqualTo("2026-11-22T01:00:00Z");
    assertThat(exported.get(1).events().get(0).gateDecision()).isEqualTo("hold");
  }

  @Test
  void gate_withoutEvalRecord_isRecordedAndSkipsTheExport() throws Exception {
    start(false);

    submit(gate("g1", "need_more_work"), null);

    FeedbackLog log = awaitLog(l -> !l.exports().isEmpty());
    assertThat(log.events()).hasSize(1);
    assertThat(log.exports()).singleElement().extracting(GateExport::status).isEqualTo("skipped");
    assertThat(exported).isEmpty();
  }

  @Test
  void log_pastItsRolloverPeriod_continuesAsNewAndKeepsEverything() throws Exception {
    start(true);
    submit(rating("e1", 0.9), null);
    String firstRun =
        client
            .newUntypedWorkflowStub(FeedbackLogWorkflow.workflowId(TARGET))
            .getExecution()
            .getRunId();
    awaitLog(l -> l.events().size() == 1);

    env.sleep(FeedbackLogWorkflowImpl.ROLLOVER.plus(Duration.ofDays(1)));
    submit(rating("e2", 0.7), null);

    FeedbackLog log = awaitLog(l -> l.events().size() == 2);
    assertThat(log.events()).extracting(FeedbackEvent::eventId).containsExactly("e1", "e2");
    WorkflowStub latest = client.newUntypedWorkflowStub(FeedbackLogWorkflow.workflowId(TARGET));
    assertThat(latest.describe().getExecution().getRunId())
        .as("a new run carries the log on")
        .isNotEqualTo(firstRun);
  }
}
