package dev.tally.feedback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What became of one gate decision's {@code gate-decided} export.
 *
 * @param eventId the gate event
 * @param status {@code sent}, {@code queued} (in the worker's outbox), {@code failed} or {@code
 *     skipped} (the target exports no eval record)
 * @param detail why it failed or was skipped
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateExport(String eventId, String status, String detail) {
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
}
