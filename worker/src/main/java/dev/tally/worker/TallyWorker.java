package dev.tally.worker;

import dev.tally.TallyWorkflows;
import dev.tally.blob.ManagedBlobStore;
import dev.tally.export.ExportEvalRunsActivitiesImpl;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.observe.ObserverActivitiesImpl;
import dev.tally.observe.ObserverClient;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxActivitiesImpl;
import dev.tally.sandbox.SandboxJanitor;
import dev.tally.telemetry.Telemetry;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: one worker on one task queue with every Tally workflow and activity
 * registered, traced and metered when telemetry is on. The worker process and the CLI's {@code dev}
 * and {@code demo} commands all build their worker here, so nothing is wired twice.
 */
public final class TallyWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TallyWorker.class);

  /** How long {@link #close()} lets in-flight tasks finish before giving up on them. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final WorkerFactory factory;
  private final WorkerConfig config;
  private final Telemetry ownedTelemetry;
  private final ManagedBlobStore blobs;
  private volatile CompletableFuture<SandboxJanitor.Report> sandboxSweep;
  private final WorkflowClient client;
  private StatusHttp http;

  private TallyWorker(
      WorkerFactory factory,
      WorkerConfig config,
      Telemetry ownedTelemetry,
      ManagedBlobStore blobs,
      WorkflowClient client) {
    this.factory = factory;
    this.config = config;
    this.ownedTelemetry = ownedTelemetry;
    this.blobs = blobs;
    this.client = client;
  }

  /**
   * Builds the worker on {@code config.taskQueue()} with telemetry as {@code config} says, owned
   * and closed by the worker; not yet polling.
   */
  public static TallyWorker create(WorkflowClient client, WorkerConfig config) {
    Telemetry telemetry = Telemetry.create(config.telemetry());
    try {
      return build(client, config, telemetry, telemetry);
    } catch (RuntimeException e) {
      telemetry.close();
      throw e;
    }
  }

  /**
   * Builds the worker with {@code telemetry}, which the caller owns (it also gave the client its
   * interceptors) and closes after the worker.
   */
  public static TallyWorker create(
      WorkflowClient client, WorkerConfig config, Telemetry telemetry) {
    return build(client, config, telemetry, null);
  }

  private static TallyWorker build(
      WorkflowClient client, WorkerConfig config, Telemetry telemetry, Telemetry owned) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(telemetry, "telemetry");
    if (!config.blobs().shared()) {
      // Checked now, not at the first billed call: a store that cannot be written would fail a
      // router call after the router has billed it.
      DataDirCheck.writable(config.blobDir(), "the conversation store");
    }
    ManagedBlobStore blobs = config.blobs().open();
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(telemetry.workerInterceptors())
                .build());
    Worker worker = factory.newWorker(config.taskQueue(), workerOptions(config.sticky()));
    TallyWorkflows.register(worker);
    SandboxActivities sandbox =
        SandboxActivitiesImpl.create(config.sandbox(), config.host(), config.hostTaskQueue());
    worker.registerActivitiesImplementations(
        telemetry.traceRouterChat(
            RouterChatActivitiesImpl.create(config.router(), blobs), config.router()),
        new MeterActivitiesImpl(List.of(telemetry.ledgerMetrics())),
        sandbox,
        new ExportEvalRunsActivitiesImpl(config.export()),
        VisibilityActivitiesImpl.create(client.getWorkflowServiceStubs(), config.namespace()),
        new ObserverActivitiesImpl(client, config.taskQueue(), config.observer().settings()));
    // A session's box is on this host: every activity after acquire comes here, on a queue no
    // other host polls (SPEC §9). Same instance, so both queues see the same sessions.
    Worker host = factory.newWorker(config.hostTaskQueue(), workerOptions(config.sticky()));
    host.registerActivitiesImplementations(sandbox);
    return new TallyWorker(factory, config, owned, blobs, client);
  }

  /**
   * Worker options for the sticky setting. With sticky off the SDK asks for no sticky queue at all,
   * which is what lets a restarted worker pick up a workflow on the embedded test server: that
   * server never moves work off a dead worker's sticky queue.
   */
  public static WorkerOptions workerOptions(boolean sticky) {
    WorkerOptions.Builder b = WorkerOptions.newBuilder();
    if (!sticky) {
      b.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    return b.build();
  }

  /** Starts polling, and the sweep of this host's abandoned sandbox boxes beside it. */
  public TallyWorker start() {
    factory.start();
    sandboxSweep = StartupSandboxSweep.start(factory.getWorkflowClient(), config);
    Integer port = config.observer().httpPort();
    if (port != null && http == null) {
      http =
          StatusHttp.start(
              config.observer().httpHost(),
              port,
              () -> factory.isStarted() && !factory.isShutdown(),
              Map.of("namespace", config.namespace(), "taskQueue", config.taskQueue()),
              new ObserverClient(client));
    }
    log.info(
        "Tally worker polling task queues '{}' and '{}' (namespace {}, sticky {}, blobs {})",
        config.taskQueue(),
        config.hostTaskQueue(),
        config.namespace(),
        config.sticky() ? "on" : "off",
        config.blobs());
    return this;
  }

  public WorkerConfig config() {
    return config;
  }

  /** The start-up sweep of sandbox boxes (see {@link SandboxJanitor}); null before start. */
  public CompletableFuture<SandboxJanitor.Report> sandboxSweep() {
    return sandboxSweep;
  }

  /** The port {@code /health} and {@code /stats} are served on, or null when that is off. */
  public Integer httpPort() {
    return http == null ? null : http.port();
  }

  /** Stops polling and lets in-flight tasks finish for up to {@link #SHUTDOWN_GRACE}. */
  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    factory.shutdown();
    factory.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn("worker tasks still running after {}; stopping them", SHUTDOWN_GRACE);
      factory.shutdownNow();
    }
    blobs.close();
    if (ownedTelemetry != null) {
      // After the factory: the last spans and metrics of finished tasks still leave.
      ownedTelemetry.close();
    }
  }
}
