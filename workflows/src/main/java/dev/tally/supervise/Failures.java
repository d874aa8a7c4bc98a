package dev.tally.supervise;

import java.util.List;

/**
 * Typed failure names. Anything that costs money lists the permanent ones as non-retryable, so a
 * bad request or a bad key is never retried into a bill.
 */
public final class Failures {
  /** A RunRequest or Budget field is invalid; the workflow refuses to run. */
  public static final String INVALID_RUN_REQUEST = "InvalidRunRequest";

  /** Router answered 400 or 422. */
  public static final String ROUTER_BAD_REQUEST = "RouterBadRequest";

  /** Router answered 401 or 403. */
  public static final String ROUTER_UNAUTHORIZED = "RouterUnauthorized";

  /** Router answered 404 (unknown model or wrong base URL). */
  public static final String ROUTER_NOT_FOUND = "RouterNotFound";

  /** The account is out of quota or credit. */
  public static final String ROUTER_QUOTA_EXHAUSTED = "RouterQuotaExhausted";

  /** The router's body was not a chat completion. */
  public static final String ROUTER_MALFORMED_RESPONSE = "RouterMalformedResponse";

  /** A dollar-capped run asked for a model the price catalog does not know. */
  public static final String UNPRICED_MODEL = "UnpricedModel";

  /** The worker is not configured for a router call (no base URL). */
  public static final String ROUTER_NOT_CONFIGURED = "RouterNotConfigured";

  /** A conversation reference could not be resolved in the blob store. */
  public static final String CONVERSATION_MISSING = "ConversationMissing";

  /** The blob store refused this worker's credentials for the bucket or object. */
  public static final String BLOB_STORE_ACCESS_DENIED = "BlobStoreAccessDenied";

  /** The blob store's bucket does not exist. */
  public static final String BLOB_STORE_BUCKET_MISSING = "BlobStoreBucketMissing";

  /** The blob store refused the request for another permanent reason (a 4xx answer). */
  public static final String BLOB_STORE_REJECTED = "BlobStoreRejected";

  /** The blob store could not be reached or answered 5xx: retryable, by Temporal only. */
  public static final String BLOB_STORE_UNAVAILABLE = "BlobStoreUnavailable";

  /**
   * The router answered 408, 409, 425, 429 (not a quota error) or 5xx, or the connection failed:
   * retryable, honouring {@code Retry-After} as the next retry delay.
   */
  public static final String ROUTER_TRANSIENT = "RouterTransient";

  /** The router did not answer within the request timeout: retryable. */
  public static final String ROUTER_TIMEOUT = "RouterTimeout";

  /** The driver's own inference reported unknown dollars under a dollar cap. */
  public static final String UNKNOWN_COST_UNDER_CAP = "UnknownCostUnderCap";

  /**
   * A router call was refused before it was sent: its estimated input, or the smallest completion,
   * does not fit in what its node (or the pool above it) can still pay for. Nothing was billed.
   */
  public static final String CALL_NOT_ADMITTED = "CallNotAdmitted";

  /**
   * The router answered and billed, but the conversation could not be stored afterwards. Not
   * retried: a retry would send (and pay for) the same call again. The failure carries the call's
   * model, usage and cost so the workflow meters it.
   */
  public static final String CONVERSATION_STORE_FAILED = "ConversationStoreFailed";

  /** Failure types {@code RouterChat} never retries. */
  public static final List<String> ROUTER_NON_RETRYABLE =
      List.of(
          ROUTER_BAD_REQUEST,
          ROUTER_UNAUTHORIZED,
          ROUTER_NOT_FOUND,
          ROUTER_QUOTA_EXHAUSTED,
          ROUTER_MALFORMED_RESPONSE,
          UNPRICED_MODEL,
          ROUTER_NOT_CONFIGURED,
          CONVERSATION_MISSING,
          BLOB_STORE_ACCESS_DENIED,
          BLOB_STORE_BUCKET_MISSING,
          BLOB_STORE_REJECTED,
          CALL_NOT_ADMITTED,
          CONVERSATION_STORE_FAILED);

  private Failures() {}
}
