package dev.tally.supervise;

import dev.tally.ledger.Budget;
import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the histories {@link ReplayTest} replays. Run it on purpose, after a deliberate workflow
 * change guarded by {@code Workflow.getVersion}, never to paper over a replay failure:
 *
 * <pre>mvn -pl workflows test -Dtest=CaptureHistoriesTest -Dtally.captureHistories=true</pre>
 */
@EnabledIfSystemProperty(named = "tally.captureHistories", matches = "true")
class CaptureHistoriesTest {
  private static final Path DIR = Path.of("src/test/resources/histories");

  @Test
  void capture() throws IOException {
    Files.createDirectories(DIR);
    try (TemporalHarness h =
        new TemporalHarness(new ScriptedChat(Scripts.coordinator(2)), new RecordingMeter())) {
      h.newRun("hist-winner").run(Requests.basic("two workers"));
      write(h, "hist-winner");
      write(h, "hist-winner:s1");
    }
    ScriptedChat.Script nested =
        (request, conversation) -> {
          if (ChatTurnRequest.WORKER.equals(request.role())) {
            return Scripts.workerAnswer(conversation);
          }
          return request.nodeId().equals("hist-nested")
              ? Scripts.coordinatorTurn(
                  conversation, 1, "driver", "{\"maxIterations\":4,\"maxTokens\":40000}")
              : Scripts.coordinatorTurn(conversation, 1, "chat");
        };
    try (TemporalHarness h = new TemporalHarness(new ScriptedChat(nested), new RecordingMeter())) {
      h.newRun("hist-nested")
          .run(
              Requests.withBudget(
                  Requests.basic("nested"), Budget.of(10, 100_000), Budget.of(1, 5_000)));
      write(h, "hist-nested");
      write(h, "hist-nested:s1");
    }
  }

  private static void write(TemporalHarness h, String id) throws IOException {
    Files.writeString(DIR.resolve(id.replace(':', '_') + ".json"), h.historyJson(id));
  }
}
