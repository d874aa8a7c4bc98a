package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Real git repositories, the test harness script, and polling of real turns. */
final class Fixtures {
  private Fixtures() {}

  /** A git repository with one commit: README.md and src/app.txt. */
  static Path gitRepo(Path dir) throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("README.md"), "# demo\n");
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/app.txt"), "app\n");
    sh(repo, "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -q -m init");
    return repo;
  }

  /** The test harness script, copied out of the test resources. */
  static Path harnessScript(Path dir) throws IOException {
    Path script = dir.resolve("test-harness.sh");
    try (InputStream in =
        Objects.requireNonNull(Fixtures.class.getResourceAsStream("/test-harness.sh"))) {
      Files.write(script, in.readAllBytes());
    }
    return script;
  }

  /** The harness command for {@code action}, counting starts in {@code marker}. */
  static String harness(Path script, String action, Path marker, Path go, String extraEnv) {
    return "ACTION="
        + action
        + " MARKER='"
        + marker
        + "'"
        + (go == null ? "" : " GO='" + go + "'")
        + (extraEnv == null ? "" : " " + extraEnv)
        + " /bin/sh '"
        + script
        + "'";
  }

  static SandboxConfig config(Path dataDir, String harness) {
    return new SandboxConfig(dataDir, harness, 100, 60_000, Duration.ofMinutes(1));
  }

  /** Polls the turn until it is no longer running (bounded, so a broken turn fails the test). */
  static TurnTick driveUntilDone(SandboxProvider provider, DriveTurnRequest request)
      throws InterruptedException {
    TurnTick tick = provider.drive(request);
    for (int i = 0; i < 600 && tick.isRunning(); i++) {
      Thread.sleep(50);
      tick = provider.drive(request);
    }
    assertThat(tick.state()).as("turn state after polling").isNotEqualTo(TurnTick.RUNNING);
    return tick;
  }

  /** Waits (bounded) until {@code file} exists. */
  static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 600 && !Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertThat(file).as("file the harness writes").exists();
  }

  /**
   * The text the harness writes to {@code file}, once there is some: a shell creates the file
   * before it writes, so a file that exists can still be empty for a moment.
   */
  static String awaitContent(Path file) throws InterruptedException, IOException {
    awaitFile(file);
    for (int i = 0; i < 600 && Files.readString(file).isBlank(); i++) {
      Thread.sleep(50);
    }
    return Files.readString(file).strip();
  }

  static List<String> starts(Path marker) throws IOException {
    return Files.exists(marker) ? Files.readAllLines(marker) : List.of();
  }

  static String sh(Path dir, String command) {
    try {
      Process p =
          new ProcessBuilder("/bin/sh", "-c", command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("exit of `%s`: %s", command, out).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code pid} still runs (a zombie does not count). */
  static boolean running(long pid) {
    return ProcessGroups.alive(pid, null);
  }
}
