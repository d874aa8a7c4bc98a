package dev.tally.delegate;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a history for the replay tests when run with {@code -Dtally.captureHistories=<dir>}
 * (normally {@code src/test/resources/histories}); otherwise does nothing.
 */
final class HistoryCapture {
  private HistoryCapture() {}

  static void save(String name, WorkflowExecutionHistory history) {
    String dir = System.getProperty("tally.captureHistories");
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      Path file = Path.of(dir).resolve(name + ".json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
