package dev.tally.observe;

import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import java.util.Objects;

/**
 * Sends ops to this namespace's observer by signal-with-start (the observer is started with this
 * worker's {@link ObserverSettings} when it is not running) and reads playbook excerpts with its
 * {@code playbookFor} query.
 */
public final class ObserverActivitiesImpl implements ObserverActivities {
  private final WorkflowClient client;
  private final String taskQueue;
  private final ObserverSettings settings;

  public ObserverActivitiesImpl(
      WorkflowClient client, String taskQueue, ObserverSettings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public void reportOp(Op op) {
    Objects.requireNonNull(op, "op");
    ObserverWorkflow observer =
        client.newWorkflowStub(
            ObserverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ObserverWorkflow.WORKFLOW_ID)
                .setTaskQueue(taskQueue)
                .setStaticSummary("ops log, failure digests and playbook of this namespace")
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(observer::run, ObserverState.initial(settings));
    request.add(observer::op, op);
    client.signalWithStart(request);
  }

  @Override
  public PlaybookExcerpt playbookFor(PlaybookRequest request) {
    Objects.requireNonNull(request, "request");
    ObserverWorkflow observer =
        client.newWorkflowStub(ObserverWorkflow.class, ObserverWorkflow.WORKFLOW_ID);
    try {
      return observer.playbookFor(request);
    } catch (WorkflowNotFoundException e) {
      // No run has closed in this namespace yet: nothing learned, nothing to give.
      return new PlaybookExcerpt(
          null, TaskClass.key(request.profile(), request.labels()), List.of(), "");
    }
  }
}
