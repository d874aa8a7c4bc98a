package dev.tally.cli;

import dev.tally.embedded.DevStack;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally dev}: embedded server, in-process worker, and the scripted router if needed. */
@Command(
    name = "dev",
    description = {
      "Run an embedded Temporal server with an in-process Tally worker (sticky execution on), and"
          + " the scripted router when TALLY_ROUTER_BASE_URL is unset.",
      "It keeps NOTHING on disk. Ctrl-C stops it."
    })
final class DevCommand extends TallyCommand {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    root.stop().arm();
    try (DevStack stack = start(root, port, false)) {
      String address = stack.server().address();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("event", "ready");
        doc.put("address", address);
        doc.put("taskQueue", stack.config().taskQueue());
        doc.put("persistent", false);
        doc.put("routerBaseUrl", stack.routerBaseUrl());
        doc.put("scripted", stack.scripted());
        printJson(doc);
      } else {
        println(
            "Tally dev ready: Temporal test server on "
                + address
                + ", worker on task queue '"
                + stack.config().taskQueue()
                + "' (sticky on)");
        println("WARNING: in memory only: it keeps NOTHING on disk; Ctrl-C loses every run.");
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
      }
      root.stop().awaitStop();
    } finally {
      root.stop().cleanedUp();
    }
    if (!json) {
      println("dev stopped; its runs are gone");
    }
    return ExitCode.OK;
  }

  /** Starts the dev stack with the CLI's namespace and task queue. */
  static DevStack start(TallyCli root, int port, boolean forceScripted) {
    Map<String, String> env = new HashMap<>(root.env());
    env.put(WorkerConfig.TEMPORAL_NAMESPACE, root.namespace());
    env.put(WorkerConfig.TALLY_TASK_QUEUE, root.taskQueue());
    try {
      return DevStack.start(port, env, forceScripted);
    } catch (IOException e) {
      throw ServerCommand.Embedded.portInUse(port, e);
    }
  }
}
