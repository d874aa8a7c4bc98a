package dev.tally.supervise;

import dev.tally.ledger.Spend;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.InputEstimate;
import dev.tally.router.RouterChatActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A leaf worker: one or more router calls without tools until it has a non-empty answer, each call
 * one iteration. It stops early when cancelled, reporting exactly what it spent.
 */
final class ChatWorker implements WorkerRun {
  static final String EMPTY_ANSWER_NUDGE = "Your answer was empty. Answer the task in plain text.";

  private final WorkerAssignment a;
  private final Inbox inbox;
  private final List<String> steering = new ArrayList<>();
  private Spend spent = Spend.ZERO;
  private String phase = "starting";
  private String lastError;
  private int calls;
  private String model;

  ChatWorker(WorkerAssignment assignment, Inbox inbox) {
    this.a = assignment;
    this.inbox = inbox;
  }

  @Override
  public void steer(String instruction) {
    steering.add(instruction);
  }

  @Override
  public WorkerOutcome run() {
    long maxCalls = a.budget().iterations();
    String refused = null;
    List<ChatMessage> append = new ArrayList<>();
    append.add(ChatMessage.system(Prompts.CHAT_WORKER));
    append.add(ChatMessage.user(Supervisor.taskText(a.task())));
    String ref = null;
    String answer = null;
    while (calls < maxCalls) {
      if (inbox.cancelled()) {
        return outcome(WorkerOutcome.CANCELLED, null, inbox.cancelReason, null);
      }
      if (!canPayForACall()) {
        refused = "ceiling spent after " + calls + " call(s): " + spentAgainstCeiling();
        break;
      }
      steering.forEach(s -> append.add(ChatMessage.user(s)));
      steering.clear();
      phase = "calling";
      publishDetails(maxCalls);
      ChatTurnReply reply;
      try {
        reply = call(ref, append);
      } catch (ActivityFailure failure) {
        if (CallRefusal.is(failure)) {
          refused = CallRefusal.message(failure);
          break;
        }
        if (CancellableCall.cancelled(failure)) {
          // The call was sent and aborted: the router may have billed part of it, nobody knows.
          spent = spent.plus(Spend.unknown(1));
          calls++;
          return outcome(
              WorkerOutcome.CANCELLED,
              null,
              (inbox.cancelReason == null ? "cancelled" : inbox.cancelReason)
                  + " (the call in flight was aborted; its cost is unknown)",
              null);
        }
        RunResult.ErrorInfo error = Supervisor.errorInfo(failure);
        lastError = error.type() + ": " + error.message();
        Spend unpriced = FailedTurn.spendOf(failure, 1);
        if (unpriced != null) {
          spent = spent.plus(unpriced);
          calls++;
        }
        return outcome(WorkerOutcome.DOWN, null, lastError, Boolean.TRUE);
      }
      append.clear();
      calls++;
      model = reply.model();
      spent = spent.plus(reply.spend(1));
      ref = reply.conversationRef();
      if (!reply.content().isBlank()) {
        answer = reply.content();
        break;
      }
      append.add(ChatMessage.user(EMPTY_ANSWER_NUDGE));
    }
    if (answer == null && refused != null) {
      lastError = refused;
      return outcome(WorkerOutcome.DOWN, null, refused, Boolean.FALSE);
    }
    if (answer == null) {
      return outcome(
          WorkerOutcome.DOWN, null, "no answer after " + calls + " call(s)", Boolean.FALSE);
    }
    return outcome(WorkerOutcome.DONE, answer, null, null);
  }

  /** At least one output token beyond an input is left, and dollars when this worker caps them. */
  private boolean canPayForACall() {
    boolean usdLeft = !a.budget().usdCapped() || a.budget().maxUsd().compareTo(spent.usd()) > 0;
    return usdLeft && a.budget().tokens() - spent.tokens() > InputEstimate.MIN_OUTPUT_TOKENS;
  }

  private String spentAgainstCeiling() {
    return spent.tokens()
        + " of "
        + a.budget().tokens()
        + " tokens"
        + (a.budget().usdCapped()
            ? ", $" + spent.usd().toPlainString() + " of $" + a.budget().maxUsd().toPlainString()
            : "");
  }

  private ChatTurnReply call(String ref, List<ChatMessage> append) {
    DriverSettings d = a.run().driverOrDefault();
    ChatTurnRequest request =
        new ChatTurnRequest(
            a.nodeId(),
            a.nodeId(),
            calls,
            ChatTurnRequest.WORKER,
            d.workerModel(),
            null,
            ref,
            append,
            null,
            a.usdCapped());
    ChatTurnRequest admitted =
        request.admitted(
            a.budget().tokens() - spent.tokens(),
            a.budget().usdCapped() ? a.budget().maxUsd().subtract(spent.usd()) : null);
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class,
            Policies.routerChat("worker call " + calls + " of " + a.nodeId()));
    return CancellableCall.run(router, admitted, () -> inbox.abortCalls);
  }

  @Override
  public void cancel() {
    // The inbox holds the cancel; the loop sees it before its next call, and the call in flight
    // is aborted through its heartbeat when the cancel asks for that.
  }

  private WorkerOutcome outcome(String status, String output, String reason, Boolean infra) {
    phase = status;
    lastError = reason != null ? reason : lastError;
    publishDetails(Math.max(1, a.budget().iterations()));
    return WorkerOutcome.leaf(
        a.nodeId(), status, output, spent, reason, infra, model, calls, "non-empty answer");
  }

  /**
   * What the Temporal UI shows as this worker's current details. Not a command: it is served by the
   * metadata query only, so publishing more often changes no history.
   */
  private void publishDetails(long maxCalls) {
    Workflow.setCurrentDetails(
        String.format(
            Locale.ROOT,
            "**%s worker %s** %s · %s of %d · tokens spent %d of %d%s",
            WorkerProfiles.CHAT,
            a.label(),
            phase,
            "calling".equals(phase) ? "call " + (calls + 1) : calls + " call(s)",
            maxCalls,
            spent.tokens(),
            a.budget().tokens(),
            lastError == null ? "" : " · " + lastError));
  }

  @Override
  public RunStatus status() {
    return new RunStatus(
        a.nodeId(),
        WorkerProfiles.CHAT,
        phase,
        calls,
        List.of(),
        null,
        spent,
        lastError,
        List.of(),
        null);
  }
}
