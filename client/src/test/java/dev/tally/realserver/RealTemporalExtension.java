package dev.tally.realserver;

import dev.tally.devserver.DevServerOptions;
import dev.tally.devserver.TemporalCli;
import dev.tally.devserver.TemporalDevServer;
import dev.tally.worker.TemporalConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Temporal server per test class: {@code temporal server start-dev} on free ports of
 * 127.0.0.1 with its own SQLite file and the Web UI, Tally's search attributes registered. Tests
 * may kill it and {@link #restart()} it on the same database and port.
 */
public final class RealTemporalExtension implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private DevServerOptions options;
  private TemporalDevServer server;
  private TemporalConnection connection;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Optional<Path> cli = TemporalCli.find(System.getenv());
    RequiredTool.need(cli.isPresent(), "the temporal CLI", TemporalCli.HOW_TO_INSTALL);
    dir = Files.createTempDirectory("tally-real-server");
    options = DevServerOptions.of(cli.get(), dir.resolve("temporal.db"), dir.resolve("server.log"));
    server = TemporalDevServer.start(options);
    // Restarts come back on the same ports, as a restarted server would for its clients.
    options = options.withPorts(server.port(), portOf(server.uiUrl()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  public TemporalDevServer server() {
    return server;
  }

  public String address() {
    return server.address();
  }

  /** A scratch directory of this test class, beside the server's database. */
  public Path dir() {
    return dir;
  }

  /** A client connection to namespace {@code default}, opened once and closed after the class. */
  public TemporalConnection connection() {
    if (connection == null) {
      connection = TemporalConnection.open(address(), "default");
    }
    return connection;
  }

  /** Starts the server again on the same database and ports, after a {@code kill()}. */
  public TemporalDevServer restart() {
    server.close();
    server = TemporalDevServer.start(options);
    return server;
  }

  private static int portOf(String url) {
    return url == null ? -1 : Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
  }
}
