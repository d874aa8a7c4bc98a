package dev.tally.gc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Instant;
import java.util.Objects;

/**
 * Run states from Temporal itself (DescribeWorkflowExecution, which every server answers, the
 * embedded test server included; no visibility query needed). A worker's conversation counts as
 * open while its parent, or any workflow above that, still runs: the parent may yet read it.
 */
public final class TemporalRunLookup implements RunLookup {
  /** How far up a chain of parents the lookup follows (a guard, far beyond any real nesting). */
  private static final int MAX_DEPTH = 32;

  private final WorkflowServiceStubs stubs;
  private final String namespace;

  public TemporalRunLookup(WorkflowServiceStubs stubs, String namespace) {
    this.stubs = Objects.requireNonNull(stubs, "stubs");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  @Override
  public RunState state(String workflowId) {
    WorkflowExecutionInfo info = describe(workflowId);
    if (info == null) {
      return RunState.notFound();
    }
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return RunState.running();
    }
    WorkflowExecutionInfo up = info;
    for (int depth = 0; depth < MAX_DEPTH && up.hasParentExecution(); depth++) {
      up = describe(up.getParentExecution().getWorkflowId());
      if (up == null) {
        break;
      }
      if (up.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return RunState.running();
      }
    }
    return RunState.closed(instant(info.getCloseTime()));
  }

  private WorkflowExecutionInfo describe(String workflowId) {
    try {
      return stubs
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(namespace)
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
