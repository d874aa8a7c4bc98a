package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every captured history in {@code src/test/resources/histories} against today's workflow
 * code, every workflow registered as the worker registers it: a change that would break running
 * workflows fails here before it ships.
 */
class ReplayTest {
  private static final Path DIR = Path.of("src/test/resources/histories");

  static Stream<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Path> found = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(found).as("captured histories in %s", DIR).isNotEmpty();
      return found.stream();
    }
  }

  private static Class<?>[] implementationsAfterFirst() {
    List<Class<?>> all = TallyWorkflows.IMPLEMENTATIONS;
    return all.subList(1, all.size()).toArray(Class<?>[]::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void capturedHistory_replaysWithoutNondeterminism(Path history) throws Exception {
    // Child ids derive from the parent's id, so the replay must use the original workflow id.
    // A later run of a continue-as-new chain has the same id: its file adds "~<n>".
    String workflowId =
        history
            .getFileName()
            .toString()
            .replace(".json", "")
            .replaceAll("~.*$", "")
            .replace('_', ':');
    WorkflowExecutionHistory recorded =
        WorkflowExecutionHistory.fromJson(Files.readString(history), workflowId);
    WorkflowReplayer.replayWorkflowExecution(
        recorded, TallyWorkflows.IMPLEMENTATIONS.get(0), implementationsAfterFirst());
  }
}
