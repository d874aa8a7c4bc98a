package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A {@code cancel} signal cancels the run whatever its payload, as any client may send it. */
class CancelAnyPayloadTest {

  @ParameterizedTest(name = "payload {0}")
  @ValueSource(strings = {"\"stop now\"", "42", "[1,2]", "{\"reason\":{\"nested\":true}}", "true"})
  void cancelSignal_oddPayload_stillCancels(String payload) {
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
      harness.start("run-odd-cancel", Requests.basic("cancel me oddly"));
      CoordinationToolsTest.await(reached);
      WorkflowStub stub = harness.client().newUntypedWorkflowStub("run-odd-cancel");
      stub.signal("cancel", dev.tally.json.Json.parse(payload));
      release.countDown();

      RunResult result = stub.getResult(RunResult.class);

      assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
      assertThat(result.reason()).isEqualTo(RunResult.CANCELLED);
    }
  }
}
