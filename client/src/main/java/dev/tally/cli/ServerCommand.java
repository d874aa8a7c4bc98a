package dev.tally.cli;

import dev.tally.embedded.LoopbackTemporalServer;
import dev.tally.embedded.TallySearchAttributes;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally server}: the embedded Temporal server alone, for separate worker processes. */
@Command(
    name = "server",
    description = {
      "Run the embedded Temporal server (the Java SDK's in-memory test server) on 127.0.0.1 only.",
      "It keeps NOTHING on disk. Start separate workers against it with TALLY_STICKY=off."
    })
final class ServerCommand extends TallyCommand {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    root.stop().arm();
    try (LoopbackTemporalServer server = Embedded.server(port)) {
      server.registerSearchAttributes(root.namespace(), TallySearchAttributes.ALL);
      String workerCommand =
          "TALLY_STICKY=off TEMPORAL_ADDRESS="
              + server.address()
              + " java -jar worker/target/tally-worker.jar";
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("event", "ready");
        doc.put("address", server.address());
        doc.put("persistent", false);
        doc.put("workerCommand", workerCommand);
        printJson(doc);
      } else {
        println(
            "Temporal test server ready on "
                + server.address()
                + " (127.0.0.1 only; any namespace name works)");
        println(
            "WARNING: in memory only: it keeps NOTHING on disk, and stopping it loses every run.");
        println(
            "Start workers with sticky execution off, so a restarted worker resumes its runs"
                + " (this server never moves work off a dead worker's sticky queue):");
        println("  " + workerCommand);
        println("Ctrl-C stops.");
      }
      root.stop().awaitStop();
    } finally {
      root.stop().cleanedUp();
    }
    if (!json) {
      println("server stopped; its runs are gone");
    }
    return ExitCode.OK;
  }

  /** Starting embedded pieces with errors the user can act on. */
  static final class Embedded {
    private Embedded() {}

    static LoopbackTemporalServer server(int port) {
      try {
        return LoopbackTemporalServer.start(port);
      } catch (IOException e) {
        throw portInUse(port, e);
      }
    }

    static CliException portInUse(int port, IOException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return new CliException(
          ExitCode.FAILED,
          "cannot listen on "
              + LoopbackTemporalServer.HOST
              + ":"
              + port
              + " ("
              + root.getMessage()
              + "): stop whatever holds the port, or pass --port with another one",
          e);
    }
  }
}
