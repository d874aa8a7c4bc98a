package dev.tally.mcp;

import dev.tally.embedded.DevStack;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What {@code tally mcp} talks to in these tests: the embedded Temporal server, an in-process
 * worker with the local process sandbox and the scripted router over loopback HTTP, a real git
 * repository, and a scripted harness. The harness appends a line to {@code notes.txt}; given a goal
 * containing {@code SLOW} it instead starts a long {@code sleep} and writes its pid to {@link
 * #slowPidFile()}, so a test can see the process gone after a cancel.
 */
final class McpStack implements BeforeAllCallback, AfterAllCallback {
  /**
   * The pause between a delegation's sandbox ticks. Long enough that a test can send a cancel just
   * after a tick, well before the next timer fires: the Java test server rejects a workflow task
   * that cancels a timer firing at that moment ("invalid history builder state for action"), which
   * leaves the delegation stuck there; a real Temporal server does not.
   */
  static final Duration TICK = Duration.ofSeconds(1);

  private Path dir;
  private Path repo;
  private DevStack stack;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("tally-mcp-test");
    repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("notes.txt"), "one\n");
    sh(repo, "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -q -m init");
    Path harness = dir.resolve("harness.sh");
    Files.writeString(
        harness,
        "#!/bin/sh\n"
            + "prompt=$(cat)\n"
            + "case \"$prompt\" in\n"
            + "  *SLOW*) sleep 300 & echo $! > '"
            + slowPidFile()
            + "'; wait; exit 0;;\n"
            + "esac\n"
            + "echo two >> notes.txt\n"
            + "echo 'added a line'\n",
        StandardCharsets.UTF_8);
    harness.toFile().setExecutable(true);
    stack =
        DevStack.start(
            0,
            Map.of(
                WorkerConfig.TALLY_DATA_DIR,
                dir.resolve("data").toString(),
                "TALLY_LOCAL_HARNESS",
                harness.toString(),
                "TALLY_TICK_INTERVAL_MS",
                Long.toString(TICK.toMillis())),
            true);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (stack != null) {
      stack.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  String address() {
    return stack.server().address();
  }

  Path repo() {
    return repo;
  }

  Path dir() {
    return dir;
  }

  Path slowPidFile() {
    return dir.resolve("slow.pid");
  }

  /** Whether {@code pid} runs and is not a zombie. */
  static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    try {
      String line = Files.readString(stat);
      char state = line.charAt(line.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static void sh(Path cwd, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", command).directory(cwd.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("failed: " + command);
    }
  }
}
