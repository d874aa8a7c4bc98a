package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.delegate.DelegationPolicies;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationRules;
import dev.tally.delegate.TurnPlans;
import dev.tally.json.Json;
import dev.tally.ledger.Spend;
import dev.tally.sandbox.SandboxTurn;
import dev.tally.sandbox.TurnOutcome;
import dev.tally.sandbox.TurnUsage;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * A worker that runs one detached sandbox turn (a coder or researcher turn, as a delegation would)
 * inside a supervised run, so a driver can spawn coding workers and keep the validated best. Only a
 * validated result is ever delivered.
 */
final class SandboxWorker implements WorkerRun {
  private final WorkerAssignment a;
  private final Inbox inbox;
  private SandboxTurn turn;
  private CancellationScope scope;
  private Spend spent = Spend.ZERO;

  SandboxWorker(WorkerAssignment assignment, Inbox inbox) {
    this.a = assignment;
    this.inbox = inbox;
  }

  /**
   * The delegation a sandbox worker's task describes: {@code {"profile": "coder"|"researcher",
   * "args": {...}}}.
   *
   * @throws IllegalArgumentException listing every problem, so a spawn can refuse it as data
   */
  static DelegationRequest requestOf(JsonNode task) {
    if (task == null || !task.isObject()) {
      throw new IllegalArgumentException(
          "task: expected {\"profile\": \"coder\"|\"researcher\", \"args\": {...}} for a sandbox"
              + " worker, got "
              + (task == null
                  ? "nothing"
                  : task.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    DelegationRequest request = Json.convert(task, DelegationRequest.class);
    List<String> problems = DelegationRules.problems(request);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("task: " + String.join("; ", problems));
    }
    return request;
  }

  @Override
  public WorkerOutcome run() {
    DelegationRequest request;
    try {
      request = requestOf(a.task());
    } catch (IllegalArgumentException e) {
      return outcome(WorkerOutcome.DOWN, null, e.getMessage(), Boolean.FALSE);
    }
    // Session ids name directories and processes: the node id's ':' separators become '.'.
    turn = new SandboxTurn(DelegationPolicies.sandbox(), a.nodeId().replace(':', '.'));
    TurnOutcome[] out = new TurnOutcome[1];
    scope =
        Workflow.newCancellationScope(
            () ->
                out[0] =
                    turn.run(
                        TurnPlans.forRequest(
                            request, ref -> Workflow.upsertMemo(Map.of("session", ref.format())))));
    if (inbox.cancelReason != null) {
      return outcome(WorkerOutcome.CANCELLED, null, inbox.cancelReason, null);
    }
    scope.run();
    TurnOutcome o = out[0];
    spent = o.dispatched() ? TurnUsage.spendOf(o.usage()) : Spend.ZERO;
    if (o.isCompleted()) {
      return outcome(WorkerOutcome.DONE, Json.canonical(o.output()), null, null);
    }
    if (o.isCancelled()) {
      return outcome(
          WorkerOutcome.CANCELLED,
          null,
          inbox.cancelReason != null ? inbox.cancelReason : o.errorMessage(),
          null);
    }
    return outcome(WorkerOutcome.DOWN, null, o.errorKind() + ": " + o.errorMessage(), null);
  }

  @Override
  public void steer(String instruction) {
    // Not steerable (SandboxKind says so): a detached turn takes no instructions.
  }

  /** Stops the turn: the session is cancelled and the box released before the outcome returns. */
  @Override
  public void cancel() {
    if (scope != null) {
      scope.cancel(inbox.cancelReason);
    }
  }

  private WorkerOutcome outcome(String status, String output, String reason, Boolean infra) {
    return WorkerOutcome.leaf(
        a.nodeId(),
        status,
        output,
        spent,
        reason,
        infra,
        "sandbox",
        turn == null ? 0 : turn.ticks(),
        "validated sandbox result");
  }

  @Override
  public RunStatus status() {
    return new RunStatus(
        a.nodeId(),
        WorkerProfiles.SANDBOX,
        turn == null ? "starting" : turn.phase(),
        turn == null ? 0 : turn.ticks(),
        List.of(),
        null,
        spent,
        null,
        List.of(),
        null);
  }
}
