package dev.tally.export;

import java.util.List;

/** Typed failure names of {@code ExportEvalRuns}. */
public final class ExportFailures {
  /** The ingest refused events; the failure's details carry the per-event rejections. */
  public static final String REJECTED = "EvalRunsRejected";

  /** The ingest answered 401 or 403: the Tangle key is missing its rights or wrong. */
  public static final String UNAUTHORIZED = "EvalRunsUnauthorized";

  /** The ingest answered another 4xx without a usable acknowledgement. */
  public static final String HTTP_ERROR = "EvalRunsHttpError";

  /**
   * The ingest's acknowledgement did not account for the batch sent (unreadable, counts that do not
   * add up, a failed response claiming success): never taken as a success.
   */
  public static final String BAD_ACKNOWLEDGEMENT = "EvalRunsBadAcknowledgement";

  /** 408, 425, 429, 5xx, a timeout or a dropped connection: worth another attempt. */
  public static final String TRANSIENT = "EvalRunsTransient";

  /** Failure types Temporal never retries. */
  public static final List<String> NON_RETRYABLE =
      List.of(REJECTED, UNAUTHORIZED, HTTP_ERROR, BAD_ACKNOWLEDGEMENT);

  private ExportFailures() {}
}
