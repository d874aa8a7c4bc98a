package dev.tally.delegate;

import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.sandbox.SandboxLease;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * Every timeout and retry policy of delegations and sandbox turns, in one place.
 *
 * <p>Ticks are short and idempotent on the session id, so they retry freely within their bound: a
 * retry after a worker restart finds the same process or its recorded exit. Acquire and settle can
 * take minutes (a copy of a large repository, a test suite), so they heartbeat and a dead worker is
 * noticed by the heartbeat timeout rather than the long start-to-close one. Cleanup retries
 * longest: a box left behind costs more than a late release.
 */
public final class DelegationPolicies {
  /** Pause between ticks when neither the request nor the worker chose one. */
  public static final long DEFAULT_TICK_INTERVAL_MS = 5_000;

  /** Wall-clock cap per sandbox session when neither the request nor the worker chose one. */
  public static final long DEFAULT_WALL_CAP_MS = Duration.ofHours(1).toMillis();

  /** Most added plus removed lines of a coder change when the request sets no limit. */
  public static final int DEFAULT_MAX_DIFF_LINES = 2_000;

  /** One {@code AcquireSandbox} call (a worktree, or a copy of the repository). */
  public static final Duration ACQUIRE_TIMEOUT = Duration.ofMinutes(10);

  /** Heartbeat bound of {@code AcquireSandbox} and {@code SettleTurn}. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(1);

  /** Attempts per {@code AcquireSandbox}, first included. */
  public static final int ACQUIRE_MAX_ATTEMPTS = 3;

  /** One {@code DriveTurn} pass: a dispatch or a poll, never the whole turn. */
  public static final Duration DRIVE_TURN_TIMEOUT = Duration.ofSeconds(30);

  /** Attempts per {@code DriveTurn}; cheap and idempotent, so generous. */
  public static final int DRIVE_TURN_MAX_ATTEMPTS = 20;

  /** One {@code SettleTurn} call: the test and typecheck commands plus the diff. */
  public static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(30);

  /** Attempts per {@code SettleTurn}; a second run of the checks is the most worth paying for. */
  public static final int SETTLE_MAX_ATTEMPTS = 2;

  /** One {@code CancelSession} or {@code ReleaseSandbox} call. */
  public static final Duration CLEANUP_TIMEOUT = Duration.ofMinutes(2);

  /** Attempts per cleanup call. */
  public static final int CLEANUP_MAX_ATTEMPTS = 10;

  /** Backoff start between sandbox attempts. */
  public static final Duration RETRY_INITIAL = Duration.ofSeconds(1);

  /** Backoff ceiling between sandbox attempts. */
  public static final Duration RETRY_MAX = Duration.ofSeconds(30);

  /**
   * The {@code Workflow.getVersion} change id of host affinity: runs that acquired their box before
   * it keep scheduling every sandbox activity on the workflow's own task queue.
   */
  public static final String HOST_AFFINITY_CHANGE = "sandbox-host-affinity";

  /** Host timeout when a lease names a host but no timeout (SPEC §9 default). */
  public static final Duration DEFAULT_HOST_TIMEOUT = Duration.ofMinutes(10);

  private DelegationPolicies() {}

  /** A sandbox activity stub with the policy of each activity type. Call from workflow code. */
  public static SandboxActivities sandbox() {
    return Workflow.newActivityStub(
        SandboxActivities.class,
        cleanup(),
        Map.of(
            "AcquireSandbox", acquire(),
            "DriveTurn", driveTurn(),
            "SettleTurn", settle(),
            "ReviewChange", settle(),
            "JudgeFact", settle(),
            "CancelSession", cleanup(),
            "ReleaseSandbox", cleanup()));
  }

  /**
   * The stub for every activity of a session after acquire: on the task queue of the host whose
   * worker made the box (SPEC §9), each with a schedule-to-start timeout so that a host that never
   * comes back ends the turn as {@code SandboxHostLost} instead of waiting forever. A lease without
   * a host keeps the workflow's own queue. Call from workflow code; it records nothing, so it may
   * be called at any point (the version decision is {@code SandboxTurn}'s, once, after acquire).
   */
  public static SandboxActivities sandboxOnHost(SandboxLease lease) {
    if (lease.hostTaskQueue() == null) {
      return sandbox();
    }
    String queue = lease.hostTaskQueue();
    Duration timeout =
        lease.hostTimeoutMs() == null || lease.hostTimeoutMs() <= 0
            ? DEFAULT_HOST_TIMEOUT
            : Duration.ofMillis(lease.hostTimeoutMs());
    return Workflow.newActivityStub(
        SandboxActivities.class,
        onHost(cleanup(), queue, timeout),
        Map.of(
            "DriveTurn", onHost(driveTurn(), queue, timeout),
            "SettleTurn", onHost(settle(), queue, timeout),
            "ReviewChange", onHost(settle(), queue, timeout),
            "JudgeFact", onHost(settle(), queue, timeout),
            "CancelSession", onHost(cleanup(), queue, timeout),
            "ReleaseSandbox", onHost(cleanup(), queue, timeout)));
  }

  private static ActivityOptions onHost(ActivityOptions options, String queue, Duration timeout) {
    return ActivityOptions.newBuilder(options)
        .setTaskQueue(queue)
        .setScheduleToStartTimeout(timeout)
        .build();
  }

  static ActivityOptions acquire() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(ACQUIRE_TIMEOUT)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setSummary("acquire sandbox")
        .setRetryOptions(retry(ACQUIRE_MAX_ATTEMPTS))
        .build();
  }

  static ActivityOptions driveTurn() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(DRIVE_TURN_TIMEOUT)
        .setSummary("drive turn")
        .setRetryOptions(retry(DRIVE_TURN_MAX_ATTEMPTS))
        .build();
  }

  static ActivityOptions settle() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(SETTLE_TIMEOUT)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setSummary("validate change")
        // The checks stop only when the activity learns of the cancel; waiting for that keeps a
        // release from deleting the working copy under a test run that is still going.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(retry(SETTLE_MAX_ATTEMPTS))
        .build();
  }

  static ActivityOptions cleanup() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(CLEANUP_TIMEOUT)
        .setSummary("sandbox cleanup")
        .setRetryOptions(retry(CLEANUP_MAX_ATTEMPTS))
        .build();
  }

  private static RetryOptions retry(int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(RETRY_INITIAL)
        .setMaximumInterval(RETRY_MAX)
        .setBackoffCoefficient(2.0)
        .setMaximumAttempts(attempts)
        .setDoNotRetry(SandboxFailures.NON_RETRYABLE.toArray(String[]::new))
        .build();
  }
}
