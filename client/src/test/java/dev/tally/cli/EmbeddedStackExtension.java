package dev.tally.cli;

import dev.tally.embedded.DevStack;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded stack per test class: the loopback Temporal server on a free port, an in-process
 * worker with every workflow and activity, and the scripted router over real HTTP.
 */
final class EmbeddedStackExtension implements BeforeAllCallback, AfterAllCallback {
  private DevStack stack;
  private Path dataDir;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("tally-cli-test");
    stack = DevStack.start(0, Map.of(WorkerConfig.TALLY_DATA_DIR, dataDir.toString()), true);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (stack != null) {
      stack.close();
    }
  }

  DevStack stack() {
    return stack;
  }

  String address() {
    return stack.server().address();
  }

  Path dataDir() {
    return dataDir;
  }

  /** The environment a CLI invocation sees: pointed at this stack, data under a temp dir. */
  Map<String, String> env() {
    return Map.of(
        WorkerConfig.TEMPORAL_ADDRESS, address(), WorkerConfig.TALLY_DATA_DIR, dataDir.toString());
  }
}
