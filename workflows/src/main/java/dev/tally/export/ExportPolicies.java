package dev.tally.export;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retries of {@code ExportEvalRuns}. A post is idempotent per key, so transient
 * trouble is retried for a while; a refusal or an acknowledgement that does not add up is final.
 */
public final class ExportPolicies {
  /** One post, including a slow ingest. */
  public static final Duration EXPORT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Attempts per export, first included: about ten minutes of backoff in all. */
  public static final int EXPORT_MAX_ATTEMPTS = 12;

  public static final Duration EXPORT_RETRY_INITIAL = Duration.ofSeconds(1);

  public static final Duration EXPORT_RETRY_MAX = Duration.ofMinutes(2);

  private ExportPolicies() {}

  public static ActivityOptions exportEvalRuns(String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(EXPORT_CALL_TIMEOUT)
        .setSummary(summary)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(EXPORT_RETRY_INITIAL)
                .setMaximumInterval(EXPORT_RETRY_MAX)
                .setBackoffCoefficient(2.0)
                .setMaximumAttempts(EXPORT_MAX_ATTEMPTS)
                .setDoNotRetry(ExportFailures.NON_RETRYABLE.toArray(String[]::new))
                .build())
        .build();
  }
}
