package dev.tally.testkit;

import dev.tally.json.TallyDataConverter;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.supervise.SupervisedRunWorkflowImpl;
import dev.tally.supervise.WorkerTaskWorkflowImpl;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;

/**
 * A started Temporal test server with one worker on task queue {@code tally} running supervised
 * runs through the given router chat activities, with the real meter and visibility activities: the
 * real path of a run, its router the only thing a test chooses.
 */
public final class SupervisedRunEnv {
  public static final String QUEUE = "tally";

  private SupervisedRunEnv() {}

  /**
   * @param timeSkipping whether the server skips time (off when a test waits on the wall clock)
   * @param routerChat the {@code RouterChat} activities implementation
   */
  public static TestWorkflowEnvironment start(boolean timeSkipping, Object routerChat) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        SupervisedRunWorkflowImpl.class, WorkerTaskWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        routerChat,
        new MeterActivitiesImpl(List.of()),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
    return env;
  }
}
