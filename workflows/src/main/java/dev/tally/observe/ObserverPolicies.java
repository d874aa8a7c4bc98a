package dev.tally.observe;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Timeouts and retries of the observer's activities, in one place. */
public final class ObserverPolicies {
  /**
   * One report or playbook lookup: one signal-with-start or one query. Also how soon a report whose
   * worker died mid-call is sent again from another worker.
   */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /**
   * All attempts of one report. A run never waits long on its observer: after this the report is
   * given up (and logged), and the run's own result stands.
   */
  public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(30);

  /** Attempts of one report, first included. */
  public static final int MAX_ATTEMPTS = 5;

  /**
   * Failures no retry can mend: what a worker answers for an activity it does not register (a
   * worker built without the observer), and a null op.
   */
  public static final String[] NON_RETRYABLE = {
    IllegalArgumentException.class.getName(), NullPointerException.class.getName()
  };

  private ObserverPolicies() {}

  public static ActivityOptions report(String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(CALL_TIMEOUT)
        .setScheduleToCloseTimeout(TOTAL_TIMEOUT)
        .setSummary(summary)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofMillis(200))
                .setMaximumInterval(Duration.ofSeconds(5))
                .setMaximumAttempts(MAX_ATTEMPTS)
                .setDoNotRetry(NON_RETRYABLE)
                .build())
        .build();
  }
}
