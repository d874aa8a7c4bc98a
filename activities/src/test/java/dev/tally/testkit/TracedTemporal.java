package dev.tally.testkit;

import dev.tally.TallyWorkflows;
import dev.tally.json.TallyDataConverter;
import dev.tally.telemetry.Telemetry;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;

/**
 * The embedded Temporal test server with one worker wired as a traced Tally worker: the tracing
 * interceptors on the client and the worker factory, every workflow registered, and the given
 * activities.
 */
public final class TracedTemporal implements AutoCloseable {
  public static final String QUEUE = TallyWorkflows.DEFAULT_TASK_QUEUE;

  private final TestWorkflowEnvironment env;

  public TracedTemporal(Telemetry telemetry, boolean timeSkipping, Object... activities) {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .setInterceptors(telemetry.clientInterceptors())
                        .build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(telemetry.workerInterceptors())
                        .build())
                .build());
    Worker worker = env.newWorker(QUEUE);
    TallyWorkflows.register(worker);
    worker.registerActivitiesImplementations(activities);
    worker.registerActivitiesImplementations(
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
  }

  public WorkflowClient client() {
    return env.getWorkflowClient();
  }

  public TestWorkflowEnvironment env() {
    return env;
  }

  /** The latest run of {@code workflowId}'s history as Temporal's JSON. */
  public String historyJson(String workflowId) {
    return client().fetchHistory(workflowId).toJson(true);
  }

  @Override
  public void close() {
    env.close();
  }
}
