package dev.tally.supervise;

import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the histories of the {@code cost-truth} workflow change (call admission, a refused
 * below-minimum spawn, metered failures) for {@code ReplayTest}. New ids only: the corpus is
 * append-only, so this never rewrites an existing history.
 *
 * <pre>
 * mvn -pl workflows test -Dtest=CaptureCostTruthHistoriesTest -Dtally.captureHistories=cost-truth
 * </pre>
 */
@EnabledIfSystemProperty(named = "tally.captureHistories", matches = "cost-truth")
class CaptureCostTruthHistoriesTest {
  private static final Path DIR = Path.of("src/test/resources/histories");

  @Test
  void capture() throws IOException {
    ScriptedChat.Script script =
        (request, conversation) -> {
          if (ChatTurnRequest.WORKER.equals(request.role())) {
            return Scripts.workerAnswer(conversation);
          }
          if (request.turn() == 0) {
            return Answer.calls(
                120,
                30,
                "0.0015",
                ScriptedChat.call("a", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"w1\"}"),
                ScriptedChat.call(
                    "b",
                    "spawn_worker",
                    "{\"profile\":\"chat\",\"task\":\"w2\","
                        + "\"budget\":{\"maxTokens\":1,\"maxIterations\":0}}"),
                ScriptedChat.call("c", "await_event", "{}"));
          }
          return Answer.text("done", 100, 10, "0.001");
        };
    try (TemporalHarness h = new TemporalHarness(new ScriptedChat(script), new RecordingMeter())) {
      String id = "hist-cost-truth";
      if (Files.exists(DIR.resolve(id + ".json"))) {
        throw new IllegalStateException(id + " is already captured; the corpus is append-only");
      }
      h.newRun(id).run(Requests.basic("admission"));
      Files.writeString(DIR.resolve(id + ".json"), h.historyJson(id));
      Files.writeString(DIR.resolve(id + "_s1.json"), h.historyJson(id + ":s1"));
    }
  }
}
