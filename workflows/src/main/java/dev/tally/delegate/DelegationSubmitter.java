package dev.tally.delegate;

import dev.tally.TallyWorkflows;
import dev.tally.sandbox.SandboxFailures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Submits delegations idempotently: identical input gives the same task, finished or not; changed
 * input gives a new one.
 *
 * <p>The workflow id is the task id, {@link DelegationIds#taskId} of the input, and the start uses
 * two Temporal id policies:
 *
 * <ul>
 *   <li>{@code WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}: while the task runs, a second start
 *       returns the running execution instead of failing or starting another, so two clients
 *       submitting the same input at once share one task;
 *   <li>{@code WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE}: once the task has closed (completed,
 *       failed or cancelled), its id is never started again, so a finished delegation is returned,
 *       not re-run and re-billed. {@code ALLOW_DUPLICATE_FAILED_ONLY} was rejected because a failed
 *       coder turn may have cost real money and left evidence the caller should see first;
 *       re-running on purpose is a changed input (another goal or config), hence a new task.
 * </ul>
 *
 * <p>Whether a start was a reuse is read by describing the id first; the start itself is still made
 * with the policies above, so a race between two identical submissions can at worst report {@code
 * reused=false} to both while they share one task.
 */
public final class DelegationSubmitter {
  /** How long to wait for a finished task's stored result (it is already there). */
  private static final long RESULT_READ_SECONDS = 10;

  private DelegationSubmitter() {}

  /** Submits on the default task queue. */
  public static Submission submit(WorkflowClient client, DelegationRequest request) {
    return submit(client, TallyWorkflows.DEFAULT_TASK_QUEUE, request);
  }

  /**
   * Starts the delegation unless the same input was already submitted.
   *
   * @throws IllegalArgumentException listing every problem when the request is invalid (nothing is
   *     started)
   */
  public static Submission submit(
      WorkflowClient client, String taskQueue, DelegationRequest request) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(taskQueue, "taskQueue");
    List<String> problems = DelegationRules.problems(request);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid DelegationRequest: " + String.join("; ", problems));
    }
    String taskId = DelegationIds.taskId(request);
    WorkflowStub existing = client.newUntypedWorkflowStub(taskId);
    if (exists(existing)) {
      return new Submission(taskId, true, stateOf(client, taskId));
    }
    DelegationWorkflow stub =
        client.newWorkflowStub(DelegationWorkflow.class, options(taskId, taskQueue, request));
    try {
      WorkflowClient.start(stub::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Closed between the describe and the start: REJECT_DUPLICATE kept it from running twice.
      return new Submission(taskId, true, stateOf(client, taskId));
    }
    return new Submission(taskId, false, null);
  }

  /**
   * The state of task {@code taskId}: the {@code status} query while it runs, its stored result
   * once it has completed, and what Temporal recorded when it was cancelled, failed or terminated;
   * only the running case needs a worker.
   *
   * @throws WorkflowNotFoundException when there is no such task
   */
  public static DelegationStatus stateOf(WorkflowClient client, String taskId) {
    WorkflowStub stub = client.newUntypedWorkflowStub(taskId);
    WorkflowExecutionDescription d = stub.describe();
    WorkflowExecutionStatus status = d.getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return stub.query("status", DelegationStatus.class);
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED) {
      return closedWithoutResult(
          taskId,
          d,
          DelegationStatus.CANCELLED,
          new DelegationError("cancelled through Temporal", SandboxFailures.CANCELLED));
    }
    try {
      DelegationResult r =
          stub.getResult(RESULT_READ_SECONDS, TimeUnit.SECONDS, DelegationResult.class);
      return DelegationStatus.of(r);
    } catch (WorkflowFailedException e) {
      Throwable cause = e.getCause();
      String kind =
          cause instanceof ApplicationFailure app && app.getType() != null
              ? app.getType()
              : status.name();
      String message =
          cause instanceof ApplicationFailure app ? app.getOriginalMessage() : e.getMessage();
      return closedWithoutResult(
          taskId, d, DelegationStatus.FAILED, new DelegationError(message, kind));
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "delegation "
              + taskId
              + ": expected the stored result of a closed task, got none in "
              + RESULT_READ_SECONDS
              + " s",
          e);
    }
  }

  static WorkflowOptions options(String taskId, String taskQueue, DelegationRequest request) {
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("profile", request.profile());
    if (request.namespace() != null) {
      memo.put("namespace", request.namespace());
    }
    return WorkflowOptions.newBuilder()
        .setWorkflowId(taskId)
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setStaticSummary(summary(request))
        .setMemo(memo)
        .build();
  }

  private static boolean exists(WorkflowStub stub) {
    try {
      stub.describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** A task that closed without a result: refused input, Temporal cancellation, termination. */
  private static DelegationStatus closedWithoutResult(
      String taskId, WorkflowExecutionDescription d, String status, DelegationError error) {
    return new DelegationStatus(
        taskId,
        d.getMemo("profile", String.class, String.class),
        d.getMemo("namespace", String.class, String.class),
        status,
        new Progress(0, status),
        null,
        error,
        null,
        null,
        d.getStartTime() == null ? null : d.getStartTime().toString(),
        d.getCloseTime() == null ? null : d.getCloseTime().toString(),
        List.of(),
        null,
        List.of());
  }

  private static String summary(DelegationRequest request) {
    String what =
        DelegationProfiles.CODER.equals(request.profile())
            ? request.args().path("goal").asText("")
            : DelegationProfiles.RESEARCHER.equals(request.profile())
                ? request.args().path("question").asText("")
                : request.args().path("workspaceDir").asText("");
    String line = request.profile() + ": " + what.strip().replaceAll("\\s+", " ");
    // The UI keeps at most 200 bytes of a summary.
    return line.length() > 120 ? line.substring(0, 117) + "..." : line;
  }
}
