package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/**
 * Input of {@code ExportEvalRuns}: the events of one post and the key that makes re-posting them
 * harmless.
 *
 * @param idempotencyKey sent as {@code Idempotency-Key}; one per run and status (see {@link
 *     #keyFor})
 * @param events the events, in order; the acknowledgement refers to them by index
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvalRunBatch(String idempotencyKey, List<EvalRunEvent> events) {
  /** The wire version this code speaks, sent in the body and as {@code X-Tangle-Wire-Version}. */
  public static final String WIRE_VERSION = "2026-05-26.v1";

  public EvalRunBatch {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (idempotencyKey.isBlank()) {
      throw new IllegalArgumentException("idempotencyKey: expected a non-blank key, got \"\"");
    }
    events = List.copyOf(Objects.requireNonNull(events, "events"));
  }

  /** A batch of one event keyed by its run and status. */
  public static EvalRunBatch of(EvalRunEvent event) {
    return new EvalRunBatch(keyFor(event.runId(), event.status(), null), List.of(event));
  }

  /**
   * {@code <runId>/<status>}, or {@code <runId>/<status>/<discriminator>} for events a run may have
   * several of (one per gate decision): the ingest then drops a retried post but keeps a later,
   * different decision.
   */
  public static String keyFor(String runId, String status, String discriminator) {
    return discriminator == null
        ? runId + "/" + status
        : runId + "/" + status + "/" + discriminator;
  }
}
