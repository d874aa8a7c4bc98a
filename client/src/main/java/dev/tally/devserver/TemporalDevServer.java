package dev.tally.devserver;

import dev.tally.embedded.TallySearchAttributes;
import dev.tally.embedded.TemporalServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Temporal's own dev server ({@code temporal server start-dev}), a real Temporal server on SQLite
 * with the Web UI built in, run as a child process on 127.0.0.1 only: what {@code tally dev} and
 * the real-server test suite use.
 *
 * <p>Start means answered: the server is up, every namespace exists with Tally's search attributes
 * registered and the retention set. The CLI's own {@code --search-attribute} flag only registers
 * attributes in a new database and only in {@code default} (seen with CLI 1.9.1), so they go
 * through the operator API instead, which also adds attributes a newer Tally knows to an old
 * database.
 */
public final class TemporalDevServer implements TemporalServer {
  /** The only interface the server (frontend, UI, HTTP API, metrics) listens on. */
  public static final String HOST = "127.0.0.1";

  /** How long a start may take before it is called failed (a first start creates the schema). */
  static final Duration READY_WITHIN = Duration.ofSeconds(90);

  /** How long a clean stop may take before the process is killed. */
  static final Duration STOP_WITHIN = Duration.ofSeconds(20);

  private final DevServerOptions options;
  private final Process process;
  private final int grpcPort;
  private final int uiPort;
  private final Thread reaper;

  private TemporalDevServer(DevServerOptions options, Process process, int grpcPort, int uiPort) {
    this.options = options;
    this.process = process;
    this.grpcPort = grpcPort;
    this.uiPort = uiPort;
    // A JVM that exits without close() (Ctrl-C, an uncaught error) must not leave a server behind.
    this.reaper = new Thread(process::destroy, "temporal-dev-server-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts the server and waits until it answers, with every namespace ready.
   *
   * @throws DevServerException when the binary cannot run, the server exits, or it does not answer
   *     within {@link #READY_WITHIN}; the message carries the end of its log
   */
  public static TemporalDevServer start(DevServerOptions options) {
    Objects.requireNonNull(options, "options");
    int grpc = options.grpcPort() == 0 ? freePort() : options.grpcPort();
    int ui = options.uiPort() == 0 ? freePort() : options.uiPort();
    Process process = launch(options, grpc, ui);
    TemporalDevServer server = new TemporalDevServer(options, process, grpc, ui);
    try {
      server.prepare();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Process launch(DevServerOptions o, int grpc, int ui) {
    List<String> command = new ArrayList<>();
    command.add(o.cli().toString());
    command.addAll(List.of("server", "start-dev", "--ip", HOST, "--port", String.valueOf(grpc)));
    command.addAll(List.of("--db-filename", o.database().toString(), "--log-level", "warn"));
    if (ui < 0) {
      command.add("--headless");
    } else {
      command.addAll(List.of("--ui-port", String.valueOf(ui), "--ui-disable-news-fetch"));
    }
    for (String ns : o.namespaces()) {
      if (!ns.equals("default")) {
        command.addAll(List.of("--namespace", ns));
      }
    }
    try {
      Files.createDirectories(o.database().toAbsolutePath().getParent());
      Files.createDirectories(o.log().toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(o.log().toFile()));
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      return pb.start();
    } catch (IOException e) {
      throw new DevServerException(
          "cannot run " + o.cli() + " server start-dev: " + e.getMessage(), e);
    }
  }

  /** Waits for the frontend, then registers attributes and retention in every namespace. */
  private void prepare() {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    withStubs(
        (service, operator) -> {
          for (String ns : namespaces()) {
            DescribeNamespaceResponse described = awaitNamespace(service, ns, deadline);
            registerSearchAttributes(operator, ns);
            keepClosedWorkflowsFor(service, described);
          }
        });
  }

  /** Runs {@code work} with a workflow and an operator stub on one channel, closed after. */
  private void withStubs(BiConsumer<WorkflowServiceStubs, OperatorServiceStubs> work) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      work.accept(service, operator);
    } finally {
      operator.shutdownNow();
      service.shutdownNow();
    }
  }

  private List<String> namespaces() {
    List<String> all = new ArrayList<>(List.of("default"));
    options.namespaces().stream().filter(n -> !all.contains(n)).forEach(all::add);
    return all;
  }

  private DescribeNamespaceResponse awaitNamespace(
      WorkflowServiceStubs service, String ns, long deadline) {
    while (true) {
      if (!process.isAlive()) {
        throw new DevServerException(
            "temporal server start-dev exited with "
                + process.exitValue()
                + " before it answered; its log ("
                + options.log()
                + ") ends with:\n"
                + logTail());
      }
      try {
        return service
            .blockingStub()
            .withDeadlineAfter(2, TimeUnit.SECONDS)
            .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(ns).build());
      } catch (StatusRuntimeException e) {
        // UNAVAILABLE while it starts, NOT_FOUND while a new namespace is being created.
        if (System.nanoTime() > deadline) {
          throw new DevServerException(
              "the dev server on "
                  + address()
                  + " did not answer for namespace "
                  + ns
                  + " within "
                  + READY_WITHIN.toSeconds()
                  + " s ("
                  + e.getStatus().getCode()
                  + "); its log ends with:\n"
                  + logTail(),
              e);
        }
      }
      sleep(Duration.ofMillis(200));
    }
  }

  private static void registerSearchAttributes(OperatorServiceStubs operator, String ns) {
    Map<String, IndexedValueType> missing = new HashMap<>(TallySearchAttributes.ALL);
    missing
        .keySet()
        .removeAll(
            operator
                .blockingStub()
                .listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder().setNamespace(ns).build())
                .getCustomAttributesMap()
                .keySet());
    if (missing.isEmpty()) {
      return;
    }
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(ns)
                  .putAllSearchAttributes(missing)
                  .build());
    } catch (StatusRuntimeException e) {
      // Another starter registering the same names at the same moment is no failure.
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  private void keepClosedWorkflowsFor(
      WorkflowServiceStubs service, DescribeNamespaceResponse described) {
    com.google.protobuf.Duration want =
        com.google.protobuf.Duration.newBuilder()
            .setSeconds(options.retention().toSeconds())
            .build();
    if (described.getConfig().getWorkflowExecutionRetentionTtl().equals(want)) {
      return;
    }
    service
        .blockingStub()
        .updateNamespace(
            UpdateNamespaceRequest.newBuilder()
                .setNamespace(described.getNamespaceInfo().getName())
                .setConfig(NamespaceConfig.newBuilder().setWorkflowExecutionRetentionTtl(want))
                .build());
  }

  /** {@code 127.0.0.1:<port>}: what clients and workers pass as their target. */
  @Override
  public String address() {
    return HOST + ":" + grpcPort;
  }

  @Override
  public int port() {
    return grpcPort;
  }

  /** Always: every workflow is in the SQLite file. */
  @Override
  public boolean persistent() {
    return true;
  }

  /** Registered at start already; again for a namespace the caller names later. */
  @Override
  public void ensureSearchAttributes(String namespace) {
    withStubs((service, operator) -> registerSearchAttributes(operator, namespace));
  }

  /** The Web UI's base URL, or null when the server runs headless. */
  @Override
  public String uiUrl() {
    return uiPort < 0 ? null : "http://" + HOST + ":" + uiPort;
  }

  /** The Web UI's page of one workflow in {@code namespace}. */
  public String uiWorkflowUrl(String namespace, String workflowId) {
    return uiUrl() + "/namespaces/" + namespace + "/workflows/" + workflowId;
  }

  public Path database() {
    return options.database();
  }

  public Duration retention() {
    return options.retention();
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: the server gets no chance to flush or stop anything, as in a crash. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(STOP_WITHIN);
  }

  /** SIGTERM, then SIGKILL if it has not stopped within {@link #STOP_WITHIN}. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit(STOP_WITHIN)) {
        process.destroyForcibly();
        awaitExit(STOP_WITHIN);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway and finds the process gone.
    }
  }

  private boolean awaitExit(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of the server's log, for error messages. */
  public String logTail() {
    try {
      if (!Files.exists(options.log())) {
        return "(no log)";
      }
      List<String> lines = Files.readAllLines(options.log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new DevServerException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevServerException("interrupted while waiting for the dev server", e);
    }
  }
}
