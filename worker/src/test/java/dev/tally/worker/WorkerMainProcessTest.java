package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code WorkerMain} as a real process: a worker that cannot start prints exactly one line naming
 * the cause, with no stack trace, and exits with its documented code (2 configuration, 4 Temporal
 * unusable).
 */
class WorkerMainProcessTest {
  @TempDir Path tmp;

  /** What the process printed on stderr and returned. */
  record Exit(int code, List<String> err) {}

  private Exit worker(Map<String, String> env) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
    pb.environment().remove("TEMPORAL_ADDRESS");
    pb.environment().put(WorkerConfig.TALLY_DATA_DIR, tmp.resolve("data").toString());
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Exit(p.exitValue(), new String(err, StandardCharsets.UTF_8).lines().toList());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void main_badConfiguration_exit2WithOneLineAndNoStackTrace()
      throws IOException, InterruptedException {
    Exit exit = worker(Map.of("TALLY_STICKY", "sometimes", "TEMPORAL_ADDRESS", "127.0.0.1:1"));

    assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(exit.err())
        .singleElement()
        .asString()
        .startsWith("tally-worker: invalid configuration: TALLY_STICKY: expected on or off")
        .contains("got 'sometimes'");
  }

  @Test
  void main_unreachableAddress_exit4WithOneLineNamingTheAddress()
      throws IOException, InterruptedException {
    String address = "127.0.0.1:" + closedPort();

    Exit exit = worker(Map.of("TEMPORAL_ADDRESS", address));

    assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_TEMPORAL_UNUSABLE);
    assertThat(exit.err())
        .singleElement()
        .asString()
        .startsWith("tally-worker: cannot reach Temporal at " + address + " (")
        .contains("Connection refused")
        .contains("TEMPORAL_ADDRESS");
  }

  @Test
  void main_addressIsAPlainHttpServer_exit4SayingItIsNotTemporal() throws Exception {
    HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext(
        "/",
        exchange -> {
          byte[] body = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    web.start();
    try {
      String address = "127.0.0.1:" + web.getAddress().getPort();

      Exit exit = worker(Map.of("TEMPORAL_ADDRESS", address));

      assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_TEMPORAL_UNUSABLE);
      assertThat(exit.err())
          .singleElement()
          .asString()
          .startsWith(
              "tally-worker: cannot reach Temporal at "
                  + address
                  + ": something answers there, but not as a Temporal frontend");
    } finally {
      web.stop(0);
    }
  }

  @Test
  void main_priceCatalogNotJson_exit2NamingTheVariableAndFile()
      throws IOException, InterruptedException {
    Path catalog = Files.writeString(tmp.resolve("prices.json"), "{ \"version\": \"1\", models");

    Exit exit =
        worker(
            Map.of(
                "TEMPORAL_ADDRESS",
                "127.0.0.1:" + closedPort(),
                "TALLY_PRICE_CATALOG",
                catalog.toString()));

    assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(exit.err())
        .singleElement()
        .asString()
        .startsWith(
            "tally-worker: invalid configuration: TALLY_PRICE_CATALOG: price catalog " + catalog);
  }

  @Test
  void main_priceCatalogWithoutModels_exit2SayingWhatIsMissing()
      throws IOException, InterruptedException {
    Path catalog = Files.writeString(tmp.resolve("prices.json"), "{\"version\":\"1\"}");

    Exit exit =
        worker(
            Map.of(
                "TEMPORAL_ADDRESS",
                "127.0.0.1:" + closedPort(),
                "TALLY_PRICE_CATALOG",
                catalog.toString()));

    assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(exit.err()).singleElement().asString().contains("\"models\"");
  }

  @Test
  void main_unwritableDataDirectory_exit2NamingTheDirectory()
      throws IOException, InterruptedException {
    Path dir = unwritableDirectory();

    Exit exit =
        worker(
            Map.of(
                "TEMPORAL_ADDRESS",
                "127.0.0.1:" + closedPort(),
                WorkerConfig.TALLY_DATA_DIR,
                dir.toString()));

    assertThat(exit.code()).isEqualTo(WorkerMain.EXIT_BAD_CONFIG);
    assertThat(exit.err())
        .singleElement()
        .asString()
        .startsWith(
            "tally-worker: TALLY_DATA_DIR: expected a directory this worker can write, but the"
                + " conversation store at '"
                + dir.resolve("blobs")
                + "' cannot be written (");
  }

  /**
   * A directory nobody here can write: a read-only one, or (as root, who ignores permissions)
   * {@code /sys}, which the kernel keeps read-only.
   */
  private Path unwritableDirectory() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("read-only"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    if (cannotCreateIn(dir)) {
      return dir;
    }
    Path sys = Path.of("/sys");
    assertThat(cannotCreateIn(sys))
        .as("running as root, and /sys is writable: no unwritable directory to test with")
        .isTrue();
    return sys;
  }

  private static boolean cannotCreateIn(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
