package dev.tally.testing;

import dev.tally.TallyWorkflows;
import dev.tally.json.TallyDataConverter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.visibility.FixedVisibility;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * A time-skipping Temporal test server with one Tally worker: every workflow registered the way the
 * worker process registers them, and the given activity implementations.
 */
public final class TemporalHarness implements AutoCloseable {
  public static final String QUEUE = TallyWorkflows.DEFAULT_TASK_QUEUE;

  private final TestWorkflowEnvironment env;
  private final WorkflowClient client;

  public TemporalHarness(Object... activities) {
    this(true, activities);
  }

  public TemporalHarness(boolean timeSkipping, Object... activities) {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build());
    Worker worker = env.newWorker(QUEUE);
    TallyWorkflows.register(worker);
    worker.registerActivitiesImplementations(FixedVisibility.unlisted().with(activities));
    env.start();
    client = env.getWorkflowClient();
  }

  public WorkflowClient client() {
    return client;
  }

  public TestWorkflowEnvironment env() {
    return env;
  }

  /** A typed stub for a new run with id {@code id}. */
  public SupervisedRunWorkflow newRun(String id) {
    return client.newWorkflowStub(
        SupervisedRunWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
  }

  /** Starts a run without waiting for it. */
  public SupervisedRunWorkflow start(String id, RunRequest request) {
    SupervisedRunWorkflow run = newRun(id);
    WorkflowClient.start(run::run, request);
    return run;
  }

  public SupervisedRunWorkflow existing(String id) {
    return client.newWorkflowStub(SupervisedRunWorkflow.class, id);
  }

  /** The run's full history as Temporal's JSON. */
  public String historyJson(String workflowId) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    WorkflowExecution execution = stub.getExecution();
    return client.fetchHistory(execution.getWorkflowId(), execution.getRunId()).toJson(true);
  }

  @Override
  public void close() {
    env.close();
  }
}
