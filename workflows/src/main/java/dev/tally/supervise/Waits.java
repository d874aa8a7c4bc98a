package dev.tally.supervise;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bounded waits whose timer carries a summary, so the Temporal UI says what a run is waiting for
 * ({@code Workflow.await} with a timeout starts an anonymous timer). The timer is cancelled as soon
 * as the condition holds, so no stray timer fires later.
 */
final class Waits {
  private Waits() {}

  /**
   * Waits until {@code condition} holds or {@code bound} passes.
   *
   * @return whether the condition held
   */
  static boolean until(Duration bound, String summary, Supplier<Boolean> condition) {
    if (condition.get() || bound.isZero() || bound.isNegative()) {
      return condition.get();
    }
    TimerHolder holder = new TimerHolder();
    CancellationScope scope =
        Workflow.newCancellationScope(
            () ->
                holder.timer =
                    Workflow.newTimer(
                        bound, TimerOptions.newBuilder().setSummary(summary).build()));
    scope.run();
    Workflow.await(() -> holder.timer.isCompleted() || condition.get());
    if (!holder.timer.isCompleted()) {
      scope.cancel("condition met");
    }
    return condition.get();
  }

  private static final class TimerHolder {
    Promise<Void> timer;
  }
}
