package dev.tally.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportReceipt;
import dev.tally.telemetry.Telemetry;
import dev.tally.telemetry.TelemetryConfig;
import dev.tally.testkit.TracedTemporal;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client side of feedback against the embedded server. */
class FeedbackRecorderTest {
  private final TracedTemporal temporal =
      new TracedTemporal(
          Telemetry.create(TelemetryConfig.off()),
          false,
          (ExportEvalRunsActivities)
              batch -> new ExportReceipt(ExportReceipt.QUEUED, 0, 0, List.of()));
  private final FeedbackRecorder recorder =
      new FeedbackRecorder(
          temporal.client(),
          TracedTemporal.QUEUE,
          Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

  @AfterEach
  void stop() {
    temporal.close();
  }

  @Test
  void feedback_unknownTarget_isRefusedNamingIt() {
    assertThatThrownBy(() -> recorder.feedback("run-nope", 0.5, null, null, "me"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run-nope");
  }

  @Test
  void feedback_invalidScoreOrDecision_isRefusedBeforeAnythingIsSent() {
    String open = startOpenWorkflow();

    assertThatThrownBy(() -> recorder.feedback(open, 2.0, null, null, "me"))
        .hasMessageContaining("score")
        .hasMessageContaining("2.0");
    assertThatThrownBy(() -> recorder.gate(open, "maybe", null, null, "me"))
        .hasMessageContaining("gateDecision")
        .hasMessageContaining("maybe");
  }

  @Test
  void feedback_openTarget_isRecordedAndListed() throws Exception {
    String open = startOpenWorkflow();

    FeedbackRecorder.Recorded first = recorder.feedback(open, 0.9, "great", "notes", "me");
    FeedbackRecorder.Recorded again = recorder.feedback(open, 0.9, "great", "notes", "me");
    FeedbackRecorder.Recorded gate = recorder.gate(open, "hold", null, null, "me");

    assertThat(first.event().eventId())
        .as("same content, same instant")
        .isEqualTo(again.event().eventId());
    assertThat(first.event().capturedAt()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(gate.reexported()).as("not a supervised run: no eval record").isFalse();
    FeedbackLog log = awaitExports(open);
    assertThat(log.events()).extracting(FeedbackEvent::kind).containsExactly("feedback", "gate");
    assertThat(log.exports()).extracting(GateExport::status).containsExactly("skipped");
    assertThat(recorder.list("never-rated").events()).isEmpty();
  }

  /** Any workflow can be rated; a feedback log of its own is as good an open target as any. */
  private String startOpenWorkflow() {
    FeedbackLogWorkflow seed =
        temporal
            .client()
            .newWorkflowStub(
                FeedbackLogWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("open-target")
                    .setTaskQueue(TracedTemporal.QUEUE)
                    .build());
    WorkflowClient.start(seed::run, FeedbackLog.empty("someone"));
    return "open-target";
  }

  private FeedbackLog awaitExports(String target) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      FeedbackLog log = recorder.list(target);
      if (!log.exports().isEmpty()) {
        return log;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("gate not recorded within 10 s");
  }
}
