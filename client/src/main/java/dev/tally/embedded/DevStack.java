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

  private final TemporalServer server;
  private final ScriptedRouter scripted;
  private final Telemetry telemetry;
  private final TemporalConnection connection;
  private final TallyWorker worker;
  private boolean ownsServer = true;

  private DevStack(
      TemporalServer server,
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
    return on(LoopbackTemporalServer.start(port), env, forceScripted, script);
  }

  /**
   * Like {@link #startScripted}, on {@code server} (which the stack then owns and closes): how a
   * benchmark runs on Temporal's own dev server with its database on disk.
   */
  public static DevStack onScripted(
      TemporalServer server, Map<String, String> env, ScriptedRouter.Options script) {
    return on(server, env, true, script);
  }

  /**
   * Starts a worker (and the scripted router if needed) beside {@code server}, which the stack then
   * owns and closes: how {@code tally dev} runs on Temporal's own dev server.
   */
  public static DevStack on(TemporalServer server, Map<String, String> env, boolean forceScripted) {
    return on(server, env, forceScripted, ScriptedRouter.Options.workers(SCRIPTED_WORKERS));
  }

  private static DevStack on(
      TemporalServer server,
      Map<String, String> env,
      boolean forceScripted,
      ScriptedRouter.Options script) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(env, "env");
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
      server.ensureSearchAttributes(config.namespace());
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

  /**
   * Like {@link #on(TemporalServer, Map, boolean)}, but the server stays the caller's: closing the
   * stack stops the worker and the router only. How tests run workers beside one server.
   */
  public static DevStack beside(
      TemporalServer server, Map<String, String> env, boolean forceScripted) {
    DevStack stack = on(server, env, forceScripted);
    stack.ownsServer = false;
    return stack;
  }

  /** The scripted router, or null when a real router is configured. */
  public ScriptedRouter scriptedRouter() {
    return scripted;
  }

  public TemporalServer server() {
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
    if (ownsServer) {
      server.close();
    }
  }
}
