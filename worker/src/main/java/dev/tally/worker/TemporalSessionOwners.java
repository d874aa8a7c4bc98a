package dev.tally.worker;

import com.google.protobuf.ByteString;
import dev.tally.sandbox.SessionOwners;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The fate of a sandbox box from Temporal: DescribeWorkflowExecution for whether its owner still
 * runs, and, when it does, the owner's history for whether it gave up on this host (an activity of
 * the session scheduled on this host's queue that timed out before anyone started it, which is what
 * {@code SandboxTurn} turns into {@code SandboxHostLost}). Both calls are answered by every server,
 * the embedded test server included.
 */
public final class TemporalSessionOwners implements SessionOwners {
  private final WorkflowServiceStubs stubs;
  private final String namespace;

  public TemporalSessionOwners(WorkflowServiceStubs stubs, String namespace) {
    this.stubs = Objects.requireNonNull(stubs, "stubs");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  @Override
  public Fate fate(String owner, String sessionId, String hostQueue) {
    WorkflowExecutionInfo info;
    try {
      info =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(owner))
                      .build())
              .getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return new Fate(
            Verdict.UNKNOWN,
            "workflow " + owner + " is unknown to namespace " + namespace + " (retention passed?)");
      }
      return new Fate(
          Verdict.KEEP, "cannot ask Temporal about workflow " + owner + ": " + e.getStatus());
    }
    if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      String status =
          info.getStatus()
              .name()
              .substring("WORKFLOW_EXECUTION_STATUS_".length())
              .toLowerCase(Locale.ROOT);
      return new Fate(Verdict.SWEEP, "workflow " + owner + " has ended (" + status + ")");
    }
    if (gaveUpOnHost(info.getExecution(), sessionId, hostQueue)) {
      return new Fate(
          Verdict.SWEEP,
          "workflow "
              + owner
              + " declared host queue "
              + hostQueue
              + " lost for session "
              + sessionId
              + " (SandboxHostLost) and will not come back to it");
    }
    return new Fate(Verdict.KEEP, "workflow " + owner + " is running");
  }

  /**
   * Whether the run's history has an activity for {@code sessionId} on {@code hostQueue} that timed
   * out schedule-to-start.
   */
  private boolean gaveUpOnHost(WorkflowExecution run, String sessionId, String hostQueue) {
    ByteString quoted = ByteString.copyFrom("\"" + sessionId + "\"", StandardCharsets.UTF_8);
    Set<Long> scheduledHere = new HashSet<>();
    ByteString page = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse r =
          stubs
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(run)
                      .setNextPageToken(page)
                      .build());
      for (HistoryEvent e : r.getHistory().getEventsList()) {
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          var a = e.getActivityTaskScheduledEventAttributes();
          if (hostQueue.equals(a.getTaskQueue().getName())
              && a.getInput().getPayloadsList().stream().anyMatch(p -> mentions(p, quoted))) {
            scheduledHere.add(e.getEventId());
          }
        } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
          var a = e.getActivityTaskTimedOutEventAttributes();
          if (scheduledHere.contains(a.getScheduledEventId())
              && a.getFailure().getTimeoutFailureInfo().getTimeoutType()
                  == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
            return true;
          }
        }
      }
      page = r.getNextPageToken();
    } while (!page.isEmpty());
    return false;
  }

  /** Whether a JSON payload holds {@code quoted} (the session id as a JSON string) anywhere. */
  private static boolean mentions(Payload p, ByteString quoted) {
    ByteString data = p.getData();
    int n = quoted.size();
    for (int i = 0; i + n <= data.size(); i++) {
      if (data.substring(i, i + n).equals(quoted)) {
        return true;
      }
    }
    return false;
  }
}
