package dev.tally.feedback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/**
 * Everything recorded about one target: the input of {@code FeedbackLog} (carried across
 * continue-as-new) and the answer of its {@code feedback} query.
 *
 * @param targetId the rated run or delegation
 * @param events every accepted event, in arrival order
 * @param exports the outcome of each gate decision's export, in order
 * @param refused submissions refused as invalid, each with its reason
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FeedbackLog(
    String targetId, List<FeedbackEvent> events, List<GateExport> exports, List<String> refused) {

  public FeedbackLog {
    Objects.requireNonNull(targetId, "targetId");
    events = events == null ? List.of() : List.copyOf(events);
    exports = exports == null ? List.of() : List.copyOf(exports);
    refused = refused == null ? List.of() : List.copyOf(refused);
  }

  /** A log with nothing in it yet. */
  public static FeedbackLog empty(String targetId) {
    return new FeedbackLog(targetId, List.of(), List.of(), List.of());
  }
}
