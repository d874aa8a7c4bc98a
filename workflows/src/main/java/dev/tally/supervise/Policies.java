package dev.tally.supervise;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.ChildWorkflowOptions;
import java.time.Duration;

/**
 * Every timeout and retry policy of the workflows, in one place.
 *
 * <p>Router calls cost money, so their attempts are bounded and permanent failures are listed; the
 * HTTP client itself never retries. Metering is cheap and idempotent per entry key, so it may retry
 * freely within its bound.
 */
public final class Policies {
  /** How long one model call may take, including a slow first token. */
  public static final Duration ROUTER_CALL_TIMEOUT = Duration.ofMinutes(3);

  /**
   * How long a model call may go without a heartbeat. The activity heartbeats while it waits on the
   * router, so a cancel reaches it within this bound (the SDK sends heartbeats at most every 80% of
   * it) and a call on a dead worker is retried (and counted as unknown cost) this soon.
   */
  public static final Duration ROUTER_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

  /** How long a cancelled run lets a router call in flight finish before aborting it. */
  public static final Duration CANCEL_GRACE = Duration.ofSeconds(1);

  /** Attempts per model call, first included. */
  public static final int ROUTER_MAX_ATTEMPTS = 5;

  /** Backoff start between model call attempts, unless the router sent Retry-After. */
  public static final Duration ROUTER_RETRY_INITIAL = Duration.ofSeconds(1);

  /** Backoff ceiling between model call attempts. */
  public static final Duration ROUTER_RETRY_MAX = Duration.ofMinutes(1);

  /** One Meter call (a local activity: no task round trip). */
  public static final Duration METER_CALL_TIMEOUT = Duration.ofSeconds(10);

  /** All attempts of one Meter call. */
  public static final Duration METER_TOTAL_TIMEOUT = Duration.ofMinutes(2);

  /** How long {@code await_event} waits before answering {@code pending}. */
  public static final Duration AWAIT_FENCE = Duration.ofSeconds(15);

  /** How long {@code cancel_worker} waits for the worker to report its spend. */
  public static final Duration CANCEL_DRAIN = Duration.ofMinutes(5);

  /** How long the join barrier waits for cancelled workers before charging their ceilings. */
  public static final Duration JOIN_DRAIN = Duration.ofMinutes(10);

  /** How long a continue-as-new waits for a worker that ended as it was being handed over. */
  public static final Duration HAND_OVER = Duration.ofSeconds(30);

  private Policies() {}

  public static ActivityOptions routerChat(String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(ROUTER_CALL_TIMEOUT)
        .setHeartbeatTimeout(ROUTER_HEARTBEAT_TIMEOUT)
        // A cancelled call reports how it ended (finished and billed, or aborted) before the
        // workflow goes on, so it is metered either way.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(summary)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(ROUTER_RETRY_INITIAL)
                .setMaximumInterval(ROUTER_RETRY_MAX)
                .setBackoffCoefficient(2.0)
                .setMaximumAttempts(ROUTER_MAX_ATTEMPTS)
                .setDoNotRetry(Failures.ROUTER_NON_RETRYABLE.toArray(String[]::new))
                .build())
        .build();
  }

  public static LocalActivityOptions meter() {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(METER_CALL_TIMEOUT)
        .setScheduleToCloseTimeout(METER_TOTAL_TIMEOUT)
        .setSummary("ledger")
        .build();
  }

  /**
   * A worker's child workflow.
   *
   * @param outlivesRun whether the worker must keep running when the run that started it
   *     continues-as-new: Temporal applies the parent close policy to every run of a chain, so such
   *     a worker is abandoned by policy (it reports by signal, and a terminated root leaves it to
   *     finish within its own reservation); otherwise it ends with its parent
   */
  public static ChildWorkflowOptions worker(String nodeId, String summary, boolean outlivesRun) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(nodeId)
        .setStaticSummary(summary)
        .setParentClosePolicy(
            outlivesRun
                ? ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON
                : ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
        .build();
  }
}
