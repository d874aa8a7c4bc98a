package dev.tally.router;

import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a router's HTTP outcome into a typed Temporal failure: transient ones retryable (with the
 * router's {@code Retry-After} as the next delay), permanent ones non-retryable so that a bad key
 * or a bad request is never retried into a bill.
 *
 * <p>Every message passes through {@link #redact}: routers sometimes echo the key they were given
 * (OpenAI does on a 401), and a message ends up in history, logs and the CLI.
 */
final class RouterFailures {
  /** How much of an error body a message quotes: enough to diagnose, small enough for history. */
  static final int BODY_EXCERPT_CHARS = 300;

  private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern QUOTA = Pattern.compile("(?i)insufficient_quota|quota|credit");
  private static final String REDACTED = "[redacted]";

  private final String apiKey;
  private final Clock clock;

  RouterFailures(String apiKey, Clock clock) {
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    this.clock = clock;
  }

  /**
   * The failure for a non-2xx answer.
   *
   * @param status the HTTP status
   * @param body the response body, possibly empty
   * @param retryAfter the {@code Retry-After} header, or null
   * @param where model and URL, for the message
   */
  ApplicationFailure forStatus(int status, String body, String retryAfter, String where) {
    String message =
        "router answered HTTP "
            + status
            + " for "
            + where
            + ": "
            + excerpt(body, BODY_EXCERPT_CHARS);
    if (status == 402 || (status == 429 && QUOTA.matcher(body == null ? "" : body).find())) {
      return permanent(
          Failures.ROUTER_QUOTA_EXHAUSTED,
          message + " (the account is out of quota or credit; top it up or switch keys)");
    }
    if (status == 408 || status == 409 || status == 425 || status == 429 || status >= 500) {
      return retryable(Failures.ROUTER_TRANSIENT, message, retryAfter);
    }
    return switch (status) {
      case 400, 422 -> permanent(Failures.ROUTER_BAD_REQUEST, message);
      case 401, 403 ->
          permanent(
              Failures.ROUTER_UNAUTHORIZED,
              message + " (check TALLY_ROUTER_API_KEY in the worker's environment)");
      case 404 ->
          permanent(
              Failures.ROUTER_NOT_FOUND,
              message + " (check the model id and that TALLY_ROUTER_BASE_URL ends in /v1)");
      // Anything else (other 4xx, or a 1xx/3xx that was not followed) will not change by itself.
      default -> permanent(Failures.ROUTER_BAD_REQUEST, message + " (unexpected status)");
    };
  }

  /** The router did not answer within the request timeout. */
  ApplicationFailure timeout(String where, Duration timeout, Throwable cause) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.ROUTER_TIMEOUT)
        .setMessage(
            redact("router did not answer within " + timeout.toMillis() + " ms for " + where))
        .setCause(cause)
        .build();
  }

  /** The connection failed before an answer arrived (refused, reset, DNS). */
  ApplicationFailure connection(String where, Throwable cause) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.ROUTER_TRANSIENT)
        .setMessage(
            redact(
                "router connection failed for "
                    + where
                    + ": "
                    + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage())))
        .build();
  }

  /**
   * A 2xx answer that is not a chat completion. The router may have billed it, so the failure's
   * details carry the model, the usage that parsed (or null) and the billed cost (or null).
   */
  ApplicationFailure malformed(
      String where, String why, String body, String model, Usage usage, BigDecimal billed) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.ROUTER_MALFORMED_RESPONSE)
        .setMessage(
            redact(
                "router answered 2xx for "
                    + where
                    + " but not with a chat completion: "
                    + why
                    + (usage == null
                        ? "; no usage could be read"
                        : "; usage kept: " + usage.inputTokens() + "+" + usage.outputTokens())
                    + "; body: "
                    + excerpt(body, BODY_EXCERPT_CHARS)))
        .setNonRetryable(true)
        .setDetails(model, usage, billed)
        .build();
  }

  /** {@code text} with the API key and any bearer token replaced. */
  String redact(String text) {
    if (text == null) {
      return "";
    }
    String out = apiKey == null ? text : text.replace(apiKey, REDACTED);
    return BEARER.matcher(out).replaceAll("Bearer " + REDACTED);
  }

  /** A one-line, redacted, bounded quote of a body. */
  String excerpt(String body, int max) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    // Redact before cutting so that a key straddling the cut cannot survive half-visible.
    String flat = redact(body).replaceAll("\\s+", " ").trim();
    return flat.length() > max ? flat.substring(0, max) + "..." : flat;
  }

  private ApplicationFailure permanent(String type, String message) {
    return ApplicationFailure.newBuilder()
        .setType(type)
        .setMessage(redact(message))
        .setNonRetryable(true)
        .build();
  }

  private ApplicationFailure retryable(String type, String message, String retryAfter) {
    Optional<Duration> delay = RetryAfter.parse(retryAfter, clock);
    ApplicationFailure.Builder b =
        ApplicationFailure.newBuilder()
            .setType(type)
            .setMessage(
                redact(
                    message
                        + delay
                            .map(d -> " (Retry-After: next attempt in " + d.toMillis() + " ms)")
                            .orElse("")));
    delay.ifPresent(b::setNextRetryDelay);
    return b.build();
  }
}
