package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowUpdateException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The {@code rate} update: a sender learns whether its rating was taken, and why not. */
class RateUpdateTest {
  @Test
  void rate_badScore_refusedByNameAndNothingRecorded_goodScore_recorded() {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                reached.countDown();
                CoordinationToolsTest.await(release);
                return Scripts.workerAnswer(conversation);
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });
    try (TemporalHarness harness = new TemporalHarness(chat, new RecordingMeter())) {
      SupervisedRunWorkflow run = harness.start("run-rate", Requests.basic("rate me"));
      CoordinationToolsTest.await(reached);

      assertThatThrownBy(() -> run.rate(new Feedback(1.5, "great", "n", "me")))
          .isInstanceOf(WorkflowUpdateException.class)
          .rootCause()
          .hasMessageContaining("feedback.score: expected a number in 0..1, got 1.5");
      assertThatThrownBy(() -> run.rate(new Feedback(null, null, null, null)))
          .isInstanceOf(WorkflowUpdateException.class)
          .rootCause()
          .hasMessageContaining("feedback.score: expected a number in 0..1, got null");
      int held = run.rate(new Feedback(0.8, "good", "clear answer", "reviewer"));
      release.countDown();

      assertThat(held).isEqualTo(1);
      assertThat(run.status().feedback()).hasSize(1);
      assertThat(run.status().feedback().get(0).score()).isEqualTo(0.8);
    }
  }
}
