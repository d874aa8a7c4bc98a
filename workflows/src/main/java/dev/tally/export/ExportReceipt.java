package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Output of {@code ExportEvalRuns}: what became of a batch.
 *
 * @param delivery {@code sent} (the ingest acknowledged every event) or {@code queued} (no key on
 *     this worker: appended to the local outbox for a later flush)
 * @param httpStatus the ingest's status code, 0 when nothing was sent
 * @param accepted events the ingest accepted
 * @param rejected events the ingest refused (always empty on a returned receipt: a refusal is a
 *     failure)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportReceipt(
    String delivery, int httpStatus, int accepted, List<Rejection> rejected) {
  public static final String SENT = "sent";
  public static final String QUEUED = "queued";

  public ExportReceipt {
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }
}
