package dev.tally.cli.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tally.embedded.DevStack;
import dev.tally.router.scripted.ScriptedRouter;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How history grows with a run's length: runs of 10, 100 and 1,000 driver turns whose every driver
 * message is padded to a fixed size, each on a fresh embedded server with the scripted router.
 * Because the conversation travels by reference, bytes per turn should stay flat; the baseline is
 * what a by-value design would write, the conversation the router was sent, measured in the same
 * runs.
 */
public final class HistoryBench {
  /**
   * One run's figures.
   *
   * @param turns driver turns the run took
   * @param events history events
   * @param bytes serialized size of all events
   * @param conversationBytes bytes of conversation the router received over the whole run: what
   *     history would hold if every turn carried the conversation by value
   */
  public record Row(int turns, int events, long bytes, long conversationBytes) {
    @JsonProperty
    public double bytesPerTurn() {
      return (double) bytes / turns;
    }

    @JsonProperty
    public double eventsPerTurn() {
      return (double) events / turns;
    }

    @JsonProperty
    public double conversationBytesPerTurn() {
      return (double) conversationBytes / turns;
    }
  }

  private HistoryBench() {}

  public static List<Row> run(List<Integer> turnCounts, int messageChars, Map<String, String> env)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int turns : turnCounts) {
      if (turns < 3) {
        throw new IllegalArgumentException("--turns: expected counts >= 3, got " + turns);
      }
      // The script awaits (turns - 1) times, then stops: exactly `turns` driver turns.
      ScriptedRouter.Options script = new ScriptedRouter.Options(0, turns - 1, messageChars);
      try (DevStack stack = DevStack.startScripted(0, env, script)) {
        String id = "bench-history-" + turns;
        int taken = BenchRuns.runToEnd(stack, id, turns);
        List<HistoryEvent> events = stack.connection().client().fetchHistory(id).getEvents();
        long bytes = events.stream().mapToLong(HistoryEvent::getSerializedSize).sum();
        long conversation =
            stack.scriptedRouter().totals().promptTokens() * ScriptedRouter.CHARS_PER_TOKEN;
        rows.add(new Row(taken, events.size(), bytes, conversation));
      }
    }
    return rows;
  }
}
