package dev.tally.cli;

import dev.tally.devserver.DevServerException;
import dev.tally.devserver.DevServerOptions;
import dev.tally.devserver.TemporalCli;
import dev.tally.devserver.TemporalDevServer;
import dev.tally.embedded.DevStack;
import dev.tally.embedded.TemporalServer;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code tally dev}: Temporal's own dev server (persistent, with the Web UI) when the {@code
 * temporal} CLI is found, else the in-memory test server; an in-process worker; and the scripted
 * router when no real one is configured.
 */
@Command(
    name = "dev",
    description = {
      "Run Temporal's dev server (`temporal server start-dev`: SQLite under TALLY_DATA_DIR, the Web"
          + " UI, runs kept across restarts) with an in-process Tally worker, and the scripted"
          + " router when TALLY_ROUTER_BASE_URL is unset.",
      "Without the temporal CLI (TALLY_TEMPORAL_CLI, else the PATH) it falls back to the in-memory"
          + " test server, which keeps nothing. Ctrl-C stops it."
    })
final class DevCommand extends TallyCommand {
  /** Where under the data directory the dev server keeps its database and log. */
  static final String SERVER_DIR = "temporal";

  static final String DATABASE_FILE = "tally-dev.db";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description = "gRPC port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      description = "Web UI port on 127.0.0.1 (default: the gRPC port + 1000; 0 picks a free one).")
  Integer uiPort;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long the server keeps closed runs, and so their ledgers (default: 30d; at least"
              + " 1d).")
  Duration retention;

  @Option(
      names = "--in-memory",
      description = "Use the in-memory test server even when the temporal CLI is there.")
  boolean inMemory;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port: expected 0..65535, got " + port);
    }
    root.stop().arm();
    boolean persistent;
    try (DevStack stack = startForDev()) {
      persistent = stack.server().persistent();
      announce(stack);
      root.stop().awaitStop();
    } finally {
      root.stop().cleanedUp();
    }
    if (!json) {
      println(persistent ? "dev stopped; its runs are kept" : "dev stopped; its runs are gone");
    }
    return ExitCode.OK;
  }

  private DevStack startForDev() {
    Optional<Path> cli = inMemory ? Optional.empty() : cli(root);
    if (cli.isEmpty()) {
      return start(root, port, false);
    }
    Path dir = WorkerConfig.dataDirOf(root.env()).resolve(SERVER_DIR);
    DevServerOptions options =
        DevServerOptions.of(cli.get(), dir.resolve(DATABASE_FILE), dir.resolve("server.log"))
            .withPorts(port, uiPortFor(port))
            .withNamespaces(List.of(root.namespace()))
            .withRetention(retention == null ? DevServerOptions.DEFAULT_RETENTION : retention);
    TemporalServer server = startServer(options);
    return DevStack.on(server, workerEnv(root), false);
  }

  private int uiPortFor(int grpc) {
    if (uiPort != null) {
      if (uiPort < 0 || uiPort > 65535) {
        throw new ParameterException(
            spec.commandLine(), "--ui-port: expected 0..65535, got " + uiPort);
      }
      return uiPort;
    }
    return grpc == 0 || grpc + 1000 > 65535 ? 0 : grpc + 1000;
  }

  private void announce(DevStack stack) {
    TemporalServer server = stack.server();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("event", "ready");
      doc.put("address", server.address());
      doc.put("namespace", stack.config().namespace());
      doc.put("taskQueue", stack.config().taskQueue());
      doc.put("persistent", server.persistent());
      doc.put("uiUrl", server.uiUrl());
      if (server instanceof TemporalDevServer dev) {
        doc.put("database", dev.database().toString());
        doc.put("retentionDays", dev.retention().toDays());
      }
      doc.put("routerBaseUrl", stack.routerBaseUrl());
      doc.put("scripted", stack.scripted());
      printJson(doc);
      return;
    }
    if (server instanceof TemporalDevServer dev) {
      println(
          "Tally dev ready: Temporal dev server on "
              + server.address()
              + " (namespace "
              + stack.config().namespace()
              + "), worker on task queue '"
              + stack.config().taskQueue()
              + "' (sticky on)");
      println("Web UI: " + server.uiUrl() + "/namespaces/" + stack.config().namespace());
      println(
          "Runs are kept in "
              + dev.database()
              + ", across restarts of `tally dev`, for "
              + dev.retention().toDays()
              + " days after they close (the namespace's retention); `tally export ID --jsonl`"
              + " keeps a ledger longer.");
    } else {
      println(
          "Tally dev ready: Temporal test server on "
              + server.address()
              + ", worker on task queue '"
              + stack.config().taskQueue()
              + "' (sticky on)");
      println("WARNING: in memory only: it keeps NOTHING on disk; Ctrl-C loses every run.");
      if (!inMemory) {
        println(
            "No temporal CLI found. For Temporal's own dev server, with the Web UI and runs kept"
                + " across restarts: "
                + TemporalCli.HOW_TO_INSTALL
                + ", then run `tally dev` again.");
      }
    }
    println(
        "Router: "
            + stack.routerBaseUrl()
            + (stack.scripted()
                ? " (Tally's scripted router: answers are SCRIPTED, no model, no key)"
                : ""));
    println(
        "Try:  java -jar client/target/tally.jar run --wait --task \"Name three ways to"
            + " cut LLM agent costs\"");
    println("Ctrl-C stops.");
    out().flush();
  }

  /** The temporal CLI, or none; a wrong {@code TALLY_TEMPORAL_CLI} is a usage error. */
  static Optional<Path> cli(TallyCli root) {
    try {
      return TemporalCli.find(root.env());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  private static TemporalServer startServer(DevServerOptions options) {
    try {
      return TemporalDevServer.start(options);
    } catch (DevServerException e) {
      throw new CliException(
          ExitCode.FAILED,
          e.getMessage()
              + "\n(is another server holding the port or the database? pass --port, or"
              + " --in-memory for the test server)",
          e);
    }
  }

  /** The worker's environment: the CLI's namespace and task queue. */
  private static Map<String, String> workerEnv(TallyCli root) {
    Map<String, String> env = new HashMap<>(root.env());
    env.put(WorkerConfig.TEMPORAL_NAMESPACE, root.namespace());
    env.put(WorkerConfig.TALLY_TASK_QUEUE, root.taskQueue());
    return env;
  }

  /** Starts the in-memory dev stack with the CLI's namespace and task queue. */
  static DevStack start(TallyCli root, int port, boolean forceScripted) {
    try {
      return DevStack.start(port, workerEnv(root), forceScripted);
    } catch (IOException e) {
      throw ServerCommand.Embedded.portInUse(port, e);
    }
  }
}
