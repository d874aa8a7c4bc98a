package dev.tally.worker;

import dev.tally.blob.BlobStoreException;
import dev.tally.telemetry.Telemetry;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: configuration from the environment, connect, register, poll until SIGTERM.
 * Exit code 2 means the configuration was refused before anything connected.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  /** Exit code for a configuration the worker refuses to start with. */
  static final int EXIT_BAD_CONFIG = 2;

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      // One line, no stack trace: the message already says which variable and how to fix it.
      System.err.println("tally-worker: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
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
    } catch (BlobStoreException e) {
      // A missing bucket or refused credentials: configuration, said in one line like the rest.
      System.err.println("tally-worker: conversation store: " + e.getMessage());
      connection.close();
      telemetry.close();
      System.exit(EXIT_BAD_CONFIG);
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
}
