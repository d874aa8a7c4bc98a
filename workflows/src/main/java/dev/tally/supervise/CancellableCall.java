package dev.tally.supervise;

import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.function.BooleanSupplier;

/**
 * A router call that a cancel reaches: when the run (or this worker) is cancelled mid-call, the
 * activity is cancelled, aborts its HTTP request, and no further attempt is sent. The call runs in
 * its own detached scope and is cancelled only by this class, so the workflow always learns how the
 * call ended (its result when it finished first, else a cancellation) and can meter it.
 */
final class CancellableCall {
  private CancellableCall() {}

  /**
   * Runs {@code request} on {@code router} until it ends or {@code stop} holds.
   *
   * @throws ActivityFailure as the activity failed, or with a {@link CanceledFailure} cause when it
   *     was cancelled before it answered
   */
  static ChatTurnReply run(
      RouterChatActivities router, ChatTurnRequest request, BooleanSupplier stop) {
    CancellationScope outer = CancellationScope.current();
    Holder holder = new Holder();
    CancellationScope call =
        Workflow.newDetachedCancellationScope(
            () -> holder.reply = Async.function(router::routerChat, request));
    call.run();
    Workflow.newDetachedCancellationScope(
            () ->
                Workflow.await(
                    () ->
                        holder.reply.isCompleted()
                            || stop.getAsBoolean()
                            || outer.isCancelRequested()))
        .run();
    if (!holder.reply.isCompleted()) {
      // A call that is answering right now is let finish (its cost is then exact); cancelling an
      // activity in the very workflow task in which it completes also wedges the embedded test
      // server (temporalio/sdk-java#2391), so the cancel is only sent after a short grace.
      Workflow.newDetachedCancellationScope(
              () -> Workflow.await(Policies.CANCEL_GRACE, () -> holder.reply.isCompleted()))
          .run();
    }
    if (!holder.reply.isCompleted()) {
      call.cancel("run cancelled");
    }
    ChatTurnReply[] out = new ChatTurnReply[1];
    Workflow.newDetachedCancellationScope(() -> out[0] = holder.reply.get()).run();
    return out[0];
  }

  /** Whether {@code failure} is a call cancelled before it answered. */
  static boolean cancelled(ActivityFailure failure) {
    return failure.getCause() instanceof CanceledFailure;
  }

  private static final class Holder {
    Promise<ChatTurnReply> reply;
  }
}
