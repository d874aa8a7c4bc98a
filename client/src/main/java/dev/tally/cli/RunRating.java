package dev.tally.cli;

import dev.tally.supervise.Feedback;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A rating sent to an open supervised run as its {@code rate} update, so the sender learns whether
 * the run took it: the run's validator refuses a bad one by name before anything is recorded. The
 * wait is bounded: an update needs a worker to answer, and a run whose workers are all down must
 * not hang the command.
 */
final class RunRating {
  /** What the run said. */
  sealed interface Answer {
    /** The run holds the rating; {@code held} ratings in all. */
    record Taken(int held) implements Answer {}

    /** The run's validator refused the rating; nothing was recorded there. */
    record Refused(String reason) implements Answer {}

    /**
     * No worker answered in time. The server keeps the update and delivers it when a worker takes
     * the run's next task, so it is not sent a second time as a signal (which would count twice).
     */
    record NoAnswer(Duration waited) implements Answer {}

    /** The run closed before it could take the rating. */
    record Closed() implements Answer {}
  }

  private RunRating() {}

  static Answer send(WorkflowClient client, String workflowId, Feedback rating, Duration wait) {
    Objects.requireNonNull(rating, "rating");
    CompletableFuture<Integer> call =
        CompletableFuture.supplyAsync(
            () ->
                client
                    .newUntypedWorkflowStub(workflowId)
                    .startUpdate(
                        UpdateOptions.newBuilder(Integer.class)
                            .setUpdateName("rate")
                            .setUpdateId("rate-" + UUID.randomUUID())
                            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                            .build(),
                        rating)
                    .getResult());
    try {
      return new Answer.Taken(call.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      call.cancel(true);
      return new Answer.NoAnswer(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer.NoAnswer(wait);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkflowUpdateException u
          && u.getCause() instanceof ApplicationFailure refusal) {
        return new Answer.Refused(refusal.getOriginalMessage());
      }
      // Not found or already completed: the run ended between describe and update.
      if (Failure.grpcCause(cause) != null || cause instanceof WorkflowUpdateException) {
        return new Answer.Closed();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }
}
