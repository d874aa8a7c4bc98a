package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.devserver.DevServerOptions;
import dev.tally.devserver.TemporalCli;
import dev.tally.devserver.TemporalDevServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker process against a real Temporal server (the CLI's dev server, which, unlike the SDK's
 * test server, has a namespace registry): a namespace that does not exist is configuration, one
 * line and exit 2, before the worker polls anything.
 */
class WorkerStartupIT {
  private static Path cli;

  @TempDir Path dir;

  @BeforeAll
  static void findCli() {
    cli = TemporalCli.find(System.getenv()).orElse(null);
    RequiredTool.need(cli != null, "the temporal CLI", TemporalCli.HOW_TO_INSTALL);
  }

  @Test
  void workerMain_namespaceMissingOnARealServer_exit2WithOneLineNamingIt() throws Exception {
    DevServerOptions options =
        DevServerOptions.of(cli, dir.resolve("t.db"), dir.resolve("server.log"));
    try (TemporalDevServer server = TemporalDevServer.start(options)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
              java, "-cp", System.getProperty("java.class.path"), "dev.tally.worker.WorkerMain");
      pb.environment().put("TEMPORAL_ADDRESS", server.address());
      pb.environment().put("TEMPORAL_NAMESPACE", "no-such-namespace");
      pb.environment().put("TALLY_DATA_DIR", dir.resolve("data").toString());
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      byte[] err = p.getErrorStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> lines = new String(err, StandardCharsets.UTF_8).lines().toList();

      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(lines)
          .singleElement()
          .asString()
          .isEqualTo(
              "tally-worker: TEMPORAL_NAMESPACE: expected a namespace that exists at "
                  + server.address()
                  + ", got 'no-such-namespace' (create it with `temporal operator namespace"
                  + " create no-such-namespace`)");
    }
  }
}
