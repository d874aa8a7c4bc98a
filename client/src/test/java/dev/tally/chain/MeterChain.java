package dev.tally.chain;

import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.supervise.RunResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

/** Runs {@link MeterChainWorkflow} chains on any Temporal server a client points at. */
public final class MeterChain implements AutoCloseable {
  public static final String QUEUE = "tally-test-meter-chain";

  private final WorkflowClient client;
  private final WorkerFactory factory;

  private MeterChain(WorkflowClient client, WorkerFactory factory) {
    this.client = client;
    this.factory = factory;
  }

  /** A worker for the test workflow with the real {@code Meter} activity, started. */
  public static MeterChain worker(WorkflowClient client) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(MeterChainWorkflowImpl.class);
    worker.registerActivitiesImplementations(new MeterActivitiesImpl());
    factory.start();
    return new MeterChain(client, factory);
  }

  /** Runs a chain of {@code runs} runs to its end and returns the last run's result. */
  public RunResult run(String workflowId, int runs, int batchesPerRun) {
    MeterChainWorkflow stub =
        client.newWorkflowStub(
            MeterChainWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build());
    return stub.run(MeterChainInput.first(runs, batchesPerRun));
  }

  /**
   * How many entries a chain writes: per run {@code 3 * batchesPerRun}, plus a {@code carried} for
   * every continued run and the first run's {@code raised}.
   */
  public static int expectedEntries(int runs, int batchesPerRun) {
    return runs * 3 * batchesPerRun + (runs - 1) + 1;
  }

  @Override
  public void close() {
    factory.shutdownNow();
  }
}
