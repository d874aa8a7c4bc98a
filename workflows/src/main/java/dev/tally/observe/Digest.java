package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Spend;
import java.util.List;

/**
 * A failure digest: the failures of a window grouped by reason and error type, with examples, the
 * "don't" lines drawn from them, and a model's diagnosis when the observer has a model. Kept by the
 * observer and listed newest first.
 *
 * @param seq 1 for the first digest, counting up
 * @param atMs when it was written
 * @param trigger {@code scheduled} (the timer loop) or {@code on-demand}
 * @param sinceMs the start of the window it covers
 * @param ops ops that closed in the window
 * @param failures of which produced no result
 * @param groups the failures by reason and error type, largest first
 * @param donts one line per group and task class, what the playbook says not to do
 * @param diagnosis what the model said, or why it was not asked
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Digest(
    long seq,
    long atMs,
    String trigger,
    long sinceMs,
    long ops,
    long failures,
    List<FailureGroup> groups,
    List<Dont> donts,
    Diagnosis diagnosis) {

  public static final String SCHEDULED = "scheduled";
  public static final String ON_DEMAND = "on-demand";

  public Digest {
    groups = groups == null ? List.of() : List.copyOf(groups);
    donts = donts == null ? List.of() : List.copyOf(donts);
  }

  /**
   * Failures sharing a reason and an error type.
   *
   * @param reason the ops' reason
   * @param errorType their typed failure, or null
   * @param count how many
   * @param taskClasses the task classes they came from
   * @param examples up to {@link Digests#MAX_EXAMPLES} of them, newest first
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FailureGroup(
      String reason,
      String errorType,
      long count,
      List<String> taskClasses,
      List<Example> examples) {}

  /** One failure behind a group. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Example(String runId, String taskClass, String detail, long closedAtMs) {}

  /** A line of advice for one task class. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dont(String taskClass, String line) {}

  /**
   * The model's diagnosis of the digest.
   *
   * @param status {@code off} (no model configured), {@code done}, {@code refused} (the observer's
   *     budget cannot pay for the call) or {@code failed} (the call failed)
   * @param model the model asked
   * @param text its answer
   * @param detail why it was refused or failed
   * @param spent what the call cost, metered on the observer's ledger
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Diagnosis(String status, String model, String text, String detail, Spend spent) {
    public static final String OFF = "off";
    public static final String DONE = "done";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";
  }
}
