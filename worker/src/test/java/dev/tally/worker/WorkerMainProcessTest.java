package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code WorkerMain} as a real process: a refused configuration is one line and exit code 2. */
class WorkerMainProcessTest {
  @Test
  void main_badConfiguration_exit2WithOneLineAndNoStackTrace()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
    pb.environment().put("TALLY_STICKY", "sometimes");
    pb.environment().put("TEMPORAL_ADDRESS", "127.0.0.1:1");

    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> err =
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err)
        .singleElement()
        .asString()
        .startsWith("tally-worker: invalid configuration: TALLY_STICKY: expected on or off")
        .contains("got 'sometimes'");
  }
}
