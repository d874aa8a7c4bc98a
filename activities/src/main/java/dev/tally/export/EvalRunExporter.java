package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.http.HeaderValues;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts eval-run batches to Tangle Intelligence: {@code POST <base>/v1/ingest/eval-runs} with the
 * bearer key, the wire version header and the batch's {@code Idempotency-Key}, body {@code
 * {wireVersion, events}}.
 *
 * <p>The reply must account for every event sent ({@link Acknowledgement}); a refusal of any event
 * is a typed, non-retryable {@value ExportFailures#REJECTED} failure carrying the per-event reasons
 * as details; an acknowledgement that does not add up is never taken as success. This client does
 * not retry or follow redirects (a redirect would carry the key elsewhere): Temporal retries the
 * activity. No message it produces contains the key.
 */
public final class EvalRunExporter {
  /** The header naming the wire version. */
  public static final String WIRE_VERSION_HEADER = "X-Tangle-Wire-Version";

  /** Longest {@code Retry-After} honoured as the next retry delay. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private static final int EXCERPT = 200;
  private static final Logger log = LoggerFactory.getLogger(EvalRunExporter.class);

  private final ExportConfig config;
  private final HttpClient http;

  public EvalRunExporter(ExportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    if (!config.hasKey()) {
      throw new IllegalArgumentException(
          ExportConfig.API_KEY_ENV
              + ": expected a Tangle API key to send eval runs, got none (without a key they"
              + " wait in the outbox "
              + config.outbox()
              + ")");
    }
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Sends {@code batch} and checks the acknowledgement.
   *
   * @return a {@code sent} receipt when every event was accepted
   * @throws ApplicationFailure typed by {@link ExportFailures}; retryable only when transient
   */
  public ExportReceipt send(EvalRunBatch batch) {
    Objects.requireNonNull(batch, "batch");
    int sent = batch.events().size();
    if (sent == 0) {
      return new ExportReceipt(ExportReceipt.SENT, 0, 0, List.of());
    }
    HttpRequest request =
        HttpRequest.newBuilder(config.ingestUri())
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + config.apiKey())
            .header(WIRE_VERSION_HEADER, EvalRunBatch.WIRE_VERSION)
            .header("Idempotency-Key", HeaderValues.idempotencyKey(batch.idempotencyKey()))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Wire.text(Wire.body(batch)), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw failure(
          ExportFailures.TRANSIENT,
          "eval-runs ingest did not answer within " + config.requestTimeout(),
          true,
          null);
    } catch (IOException e) {
      throw failure(
          ExportFailures.TRANSIENT,
          "eval-runs ingest unreachable at " + config.ingestUri() + ": " + e,
          true,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(ExportFailures.TRANSIENT, "interrupted while posting eval runs", true, null);
    }
    return receipt(batch, response.statusCode(), response.body(), retryAfter(response));
  }

  private ExportReceipt receipt(EvalRunBatch batch, int status, String body, Duration retryAfter) {
    int sent = batch.events().size();
    JsonNode json = Wire.objectOrNull(body);
    boolean ok = status >= 200 && status <= 299;
    if (ok || Acknowledgement.present(json)) {
      Acknowledgement ack;
      try {
        ack = Acknowledgement.of(json, sent);
      } catch (IllegalArgumentException e) {
        throw failure(
            ExportFailures.BAD_ACKNOWLEDGEMENT,
            e.getMessage() + " (HTTP " + status + ", key " + batch.idempotencyKey() + ")",
            false,
            null);
      }
      if (!ok && ack.rejected().isEmpty()) {
        throw failure(
            ExportFailures.BAD_ACKNOWLEDGEMENT,
            "Failed HTTP response "
                + status
                + " claimed all "
                + sent
                + " eval event(s) accepted (key "
                + batch.idempotencyKey()
                + ")",
            false,
            null);
      }
      if (!ack.rejected().isEmpty()) {
        throw failure(
            ExportFailures.REJECTED,
            "eval-runs ingest rejected "
                + ack.rejected().size()
                + " of "
                + sent
                + " event(s) (HTTP "
                + status
                + "): "
                + summary(ack.rejected()),
            false,
            ack.rejected());
      }
      log.info(
          "eval runs sent: {} event(s) accepted, key {}", ack.accepted(), batch.idempotencyKey());
      return new ExportReceipt(ExportReceipt.SENT, status, ack.accepted(), List.of());
    }
    String excerpt = excerpt(body);
    String message = "eval-runs ingest answered HTTP " + status + ": " + excerpt;
    if (status == 401 || status == 403) {
      throw failure(
          ExportFailures.UNAUTHORIZED,
          message + " (check " + ExportConfig.API_KEY_ENV + ")",
          false,
          null);
    }
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      ApplicationFailure.Builder b =
          ApplicationFailure.newBuilder()
              .setType(ExportFailures.TRANSIENT)
              .setMessage(scrubbed(message));
      if (retryAfter != null) {
        b.setNextRetryDelay(retryAfter);
      }
      throw b.build();
    }
    throw failure(ExportFailures.HTTP_ERROR, message, false, null);
  }

  private ApplicationFailure failure(
      String type, String message, boolean retryable, List<Rejection> rejections) {
    ApplicationFailure.Builder b =
        ApplicationFailure.newBuilder()
            .setType(type)
            .setMessage(scrubbed(message))
            .setNonRetryable(!retryable);
    if (rejections != null) {
      // One detail, an array, so that callers read it the same way before and after it passed
      // through Temporal's payload converter: getDetails().get(Rejection[].class).
      b.setDetails((Object) rejections.toArray(Rejection[]::new));
    }
    return b.build();
  }

  /** A message safe to log and to put in history: the key removed even if the ingest echoed it. */
  private String scrubbed(String message) {
    String out = message.replace(config.apiKey(), Redactor.REDACTED);
    return Redactor.redact(out);
  }

  private static String summary(List<Rejection> rejections) {
    StringBuilder b = new StringBuilder();
    for (Rejection r : rejections) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append('#').append(r.index()).append(' ').append(r.reason());
    }
    return b.toString();
  }

  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    String flat = body.replaceAll("\\s+", " ").trim();
    return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "...";
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse("").trim();
    if (value.isEmpty() || !value.chars().allMatch(Character::isDigit) || value.length() > 6) {
      return null;
    }
    Duration d = Duration.ofSeconds(Long.parseLong(value));
    if (d.isZero()) {
      return null;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }
}
