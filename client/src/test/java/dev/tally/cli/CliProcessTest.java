package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code tally} as a real process, where the SDK's and gRPC's own logging would show: a command
 * that needs a server and finds none, or finds something that is not Temporal, prints exactly one
 * line on stderr and exits 4; bad usage exits 2 with one line.
 */
class CliProcessTest {
  /** What the process printed on stderr and returned. */
  record Exit(int code, List<String> err) {}

  private static Exit tally(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), TallyCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("TEMPORAL_ADDRESS");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Exit(p.exitValue(), new String(err, StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void serverCommands_closedPortOrNotTemporal_exit4WithOneLine_badUsage_exit2WithOneLine()
      throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    web.start();
    try {
      String down = "127.0.0.1:" + closed;
      String notTemporal = "127.0.0.1:" + web.getAddress().getPort();

      Exit status = tally("status", "some-run", "--address", down);
      Exit run = tally("run", "--task", "hi", "--address", notTemporal);
      Exit usage = tally("ledger", "some-run", "--limit", "3");

      assertThat(status.code()).isEqualTo(ExitCode.UNREACHABLE);
      assertThat(status.err())
          .singleElement()
          .asString()
          .startsWith("tally: cannot reach Temporal at " + down);
      assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
      assertThat(run.err())
          .singleElement()
          .asString()
          .startsWith(
              "tally: cannot reach Temporal at "
                  + notTemporal
                  + ": something answers there, but not as a Temporal frontend");
      assertThat(usage.code()).isEqualTo(ExitCode.USAGE);
      assertThat(usage.err())
          .singleElement()
          .asString()
          .isEqualTo("tally: Unknown options: '--limit', '3' (see `tally ledger --help`)");
    } finally {
      web.stop(0);
    }
  }
}
