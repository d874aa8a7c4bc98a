package dev.tally.cli.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tally.blob.ManagedBlobStore;
import dev.tally.embedded.DevStack;
import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
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
 * runs. The blob store's bytes per turn should stay flat too: each turn stores only its new
 * messages as one segment of the conversation's chain.
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
   * @param blobBytes bytes the run stored in the blob store (its conversation segments)
   */
  public record Row(int turns, int events, long bytes, long conversationBytes, long blobBytes) {
    @JsonProperty
    public double blobBytesPerTurn() {
      return (double) blobBytes / turns;
    }

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

  /** Everything in the store now: the runs of one benchmark share it, so rows take differences. */
  private static long storedBytes(ManagedBlobStore blobs) {
    long[] total = new long[1];
    blobs.forEachBlob(b -> total[0] += b.size());
    return total[0];
  }

  public static List<Row> run(List<Integer> turnCounts, int messageChars, Map<String, String> env)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int turns : turnCounts) {
      if (turns < 3) {
        throw new IllegalArgumentException("--turns: expected counts >= 3, got " + turns);
      }
      // The script awaits (turns - 1) times, then stops: exactly `turns` driver turns.
      ScriptedRouter.Options script = new ScriptedRouter.Options(0, turns - 1, messageChars);
      try (DevStack stack = DevStack.startScripted(0, env, script);
          ManagedBlobStore blobs = stack.config().blobs().open()) {
        String id = "bench-history-" + turns;
        long blobsBefore = storedBytes(blobs);
        int taken = BenchRuns.runToEnd(stack, id, turns);
        long blobBytes = storedBytes(blobs) - blobsBefore;
        // A long run continues-as-new: its history is every run of the chain.
        var client = stack.connection().client();
        List<HistoryEvent> events = new ArrayList<>();
        for (RunChain.Run r : RunChain.read(HistorySource.of(client), id).runs()) {
          events.addAll(client.fetchHistory(id, r.runId()).getEvents());
        }
        long bytes = events.stream().mapToLong(HistoryEvent::getSerializedSize).sum();
        long conversation =
            stack.scriptedRouter().totals().promptTokens() * ScriptedRouter.CHARS_PER_TOKEN;
        rows.add(new Row(taken, events.size(), bytes, conversation, blobBytes));
      }
    }
    return rows;
  }
}
