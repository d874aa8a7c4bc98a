package dev.tally.embedded;

import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.telemetry.Telemetry;
import dev.tally.worker.TallyWorker;
import dev.tally.worker.TemporalConnection;
import dev.tally.worker.WorkerConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code tally dev} and {@code tally demo} run in one process: the loopback Temporal
 * server, a worker with sticky execution on (the worker and the server die together, so there is no
 * dead sticky queue to strand a workflow), and the scripted router when no real one is configured.
 */
public final class DevStack implements AutoCloseable {
  /** How many workers the scripted driver spawns. */
  public static final int SCRIPTED_WORKERS = 3;

  private final LoopbackTemporalServer server;
  private final ScriptedRouter scripted;
  private final Telemetry telemetry;
  private final TemporalConnection connection;
  private final TallyWorker worker;

  private DevStack(
      LoopbackTemporalServer server,
      ScriptedRouter scripted,
      Telemetry telemetry,
      TemporalConnection connection,
      TallyWorker worker) {
    this.server = server;
    this.scripted = scripted;
    this.telemetry = telemetry;
    this.connection = connection;
    this.worker = worker;
  }

  /**
   * Starts the stack.
   *
   * @param port the server's port on 127.0.0.1, 0 for a free one
   * @param env the environment the worker's configuration is read from; {@code TEMPORAL_ADDRESS} is
   *     replaced by the embedded server's
   * @param forceScripted use the scripted router even when {@code TALLY_ROUTER_BASE_URL} is set
   * @throws IOException when the port cannot be bound
   */
  public static DevStack start(int port, Map<String, String> env, boolean forceScripted)
      throws IOException {
    return start(port, env, forceScripted, ScriptedRouter.Options.workers(SCRIPTED_WORKERS));
  }

  /**
   * Starts the stack with a scripted router playing {@code script}: how benchmarks get runs of a
   * given number of turns and message size.
   */
  public static DevStack startScripted(
      int port, Map<String, String> env, ScriptedRouter.Options script) throws IOException {
    return start(port, env, true, script);
  }

  private static DevStack start(
      int port, Map<String, String> env, boolean forceScripted, ScriptedRouter.Options script)
      throws IOException {
    Objects.requireNonNull(env, "env");
    LoopbackTemporalServer server = LoopbackTemporalServer.start(port);
    ScriptedRouter scripted = null;
    Telemetry telemetry = null;
    TemporalConnection connection = null;
    try {
      Map<String, String> workerEnv = new HashMap<>(env);
      workerEnv.put(WorkerConfig.TEMPORAL_ADDRESS, server.address());
      String base = env.get(RouterConfig.BASE_URL_ENV);
      if (forceScripted || base == null || base.isBlank()) {
        scripted = ScriptedRouter.start(0, script);
        workerEnv.put(RouterConfig.BASE_URL_ENV, scripted.baseUrl());
        workerEnv.put(RouterConfig.DRIVER_MODEL_ENV, ScriptedRouter.MODEL);
        workerEnv.put(RouterConfig.WORKER_MODEL_ENV, ScriptedRouter.MODEL);
        // The scripted router needs no key; never send a real one to it.
        workerEnv.remove(RouterConfig.API_KEY_ENV);
      }
      WorkerConfig config = WorkerConfig.fromEnv(workerEnv).withSticky(true);
      server.registerSearchAttributes(config.namespace(), TallySearchAttributes.ALL);
      telemetry = Telemetry.create(config.telemetry());
      connection =
          TemporalConnection.open(
              server.address(), config.namespace(), telemetry.clientInterceptors());
      TallyWorker worker = TallyWorker.create(connection.client(), config, telemetry).start();
      return new DevStack(server, scripted, telemetry, connection, worker);
    } catch (RuntimeException e) {
      if (connection != null) {
        connection.close();
      }
      if (telemetry != null) {
        telemetry.close();
      }
      if (scripted != null) {
        scripted.close();
      }
      server.close();
      throw e;
    }
  }

  /** The scripted router, or null when a real router is configured. */
  public ScriptedRouter scriptedRouter() {
    return scripted;
  }

  public LoopbackTemporalServer server() {
    return server;
  }

  public TemporalConnection connection() {
    return connection;
  }

  public WorkerConfig config() {
    return worker.config();
  }

  /** Whether answers come from the scripted router rather than a real model. */
  public boolean scripted() {
    return scripted != null;
  }

  /** The base URL the worker sends chat completions to. */
  public String routerBaseUrl() {
    return scripted != null ? scripted.baseUrl() : worker.config().router().baseUrl();
  }

  @Override
  public void close() {
    worker.close();
    telemetry.close();
    connection.close();
    if (scripted != null) {
      scripted.close();
    }
    server.close();
  }
}
