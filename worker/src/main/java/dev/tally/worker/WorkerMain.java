package dev.tally.worker;

import dev.tally.blob.BlobStoreException;
import dev.tally.telemetry.Telemetry;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: configuration from the environment, check Temporal, register, poll until
 * SIGTERM. A worker that cannot start prints one line ({@code tally-worker: ...}) naming the cause
 * and exits with a code that says which kind it is; the README's worker section lists them.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  /** Exit code for a failure while starting that is neither configuration nor Temporal. */
  static final int EXIT_FAILED = 1;

  /**
   * Exit code for a configuration the worker refuses to start with: an environment variable, the
   * price catalog file, a data directory it cannot write, the conversation store, a namespace that
   * does not exist.
   */
  static final int EXIT_BAD_CONFIG = 2;

  /**
   * Exit code for a {@code TEMPORAL_ADDRESS} where nothing, or something other than Temporal,
   * answers.
   */
  static final int EXIT_TEMPORAL_UNUSABLE = 4;

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      // One line, no stack trace: the message already says which variable and how to fix it.
      fail(EXIT_BAD_CONFIG, e.getMessage());
      return;
    }
    // Every check that can refuse the start runs before the first log line, so a worker that
    // cannot start prints exactly one line on stderr.
    try {
      if (!config.blobs().shared()) {
        // Before connecting: a data directory that cannot be written is configuration too.
        DataDirCheck.writable(config.blobDir(), "the conversation store");
      }
      try (TemporalConnection probe =
          TemporalConnection.open(config.temporalAddress(), config.namespace())) {
        TemporalProbe.check(probe, TemporalProbe.TIMEOUT);
      }
    } catch (ConfigException e) {
      fail(EXIT_BAD_CONFIG, e.getMessage());
      return;
    } catch (StartupFailure e) {
      fail(e.exitCode(), e.getMessage());
      return;
    }
    log.info("starting with {}", config);
    Telemetry telemetry = Telemetry.create(config.telemetry());
    TemporalConnection connection =
        TemporalConnection.open(
            config.temporalAddress(), config.namespace(), telemetry.clientInterceptors());
    TallyWorker worker;
    try {
      worker = TallyWorker.create(connection.client(), config, telemetry);
    } catch (ConfigException e) {
      stop(connection, telemetry);
      fail(EXIT_BAD_CONFIG, e.getMessage());
      return;
    } catch (BlobStoreException e) {
      // A missing bucket or refused credentials: configuration, said in one line like the rest.
      stop(connection, telemetry);
      fail(EXIT_BAD_CONFIG, "conversation store: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      stop(connection, telemetry);
      fail(
          EXIT_FAILED,
          "could not start: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null
                  ? ""
                  : ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " ")));
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping: finishing in-flight tasks");
                  worker.close();
                  telemetry.close();
                  connection.close();
                  log.info("stopped");
                  stopped.countDown();
                },
                "tally-worker-shutdown"));
    worker.start();
    log.info(
        "connected to Temporal at {}; ready on task queue '{}'",
        config.temporalAddress(),
        config.taskQueue());
    stopped.await();
  }

  private static void stop(TemporalConnection connection, Telemetry telemetry) {
    connection.close();
    telemetry.close();
  }

  private static void fail(int code, String message) {
    System.err.println("tally-worker: " + message);
    System.err.flush();
    System.exit(code);
  }
}
