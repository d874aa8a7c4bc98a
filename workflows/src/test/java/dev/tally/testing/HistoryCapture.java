package dev.tally.testing;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a history for the replay tests when run with {@code -Dtally.captureHistories=<dir>}
 * (normally {@code src/test/resources/histories}); otherwise does nothing. A name already in the
 * directory is left as it is: the replay corpus is append-only.
 */
public final class HistoryCapture {
  private HistoryCapture() {}

  public static void save(String name, WorkflowExecutionHistory history) {
    String dir = System.getProperty("tally.captureHistories");
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      Path file = Path.of(dir).resolve(name + ".json");
      if (Files.exists(file)) {
        // The corpus is append-only: a captured history is never re-captured.
        return;
      }
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
