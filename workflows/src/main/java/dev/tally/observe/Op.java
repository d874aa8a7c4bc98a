package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One closed supervised run or delegation, as the observer logs it: signal {@code op} of {@code
 * Observer}, one line of {@code tally observe log}. Never the task text: only its hash.
 *
 * @param opId what makes a retried report count once: the workflow id and its first run id
 * @param runId the run's (or delegation's) workflow id
 * @param kind {@code run} or {@code delegation}
 * @param profile {@code run} for a supervised run, else the delegation profile
 * @param namespace the Temporal namespace the run closed in
 * @param outcome {@code winner}, {@code no-winner}, {@code completed}, {@code failed}, {@code
 *     cancelled} or {@code refused} (the request was invalid)
 * @param succeeded whether the run produced a result ({@code winner} or {@code completed})
 * @param reason why there is no result: a run's reason ({@code budget-exhausted}, ...), {@code
 *     cancelled}, {@code invalid-request}, or a delegation's error kind
 * @param errorType the typed failure behind the reason, if any
 * @param detail a short human sentence behind the reason
 * @param spent what it cost, with its honesty flags ({@code usdSource}, {@code tokensKnown})
 * @param durationMs from start to close
 * @param models every model that did work in it, sorted
 * @param labels its eval-run labels, the task class beside its profile
 * @param budget the root budget it ran under, when it had one
 * @param taskHash content address of the task
 * @param closedAtMs when it closed, epoch milliseconds
 * @param playbookVersion the playbook version its driver saw, when it asked for one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Op(
    String opId,
    String runId,
    String kind,
    String profile,
    String namespace,
    String outcome,
    boolean succeeded,
    String reason,
    String errorType,
    String detail,
    Spend spent,
    long durationMs,
    List<String> models,
    Map<String, String> labels,
    Budget budget,
    String taskHash,
    long closedAtMs,
    Long playbookVersion) {

  public static final String RUN = "run";
  public static final String DELEGATION = "delegation";

  public static final String WINNER = "winner";
  public static final String NO_WINNER = "no-winner";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";
  public static final String REFUSED = "refused";

  /** The reason of a run or delegation whose request was refused before it ran. */
  public static final String INVALID_REQUEST = "invalid-request";

  /** Longest {@code detail} kept: a digest example, not a transcript. */
  public static final int MAX_DETAIL_CHARS = 300;

  public Op {
    models = models == null ? List.of() : List.copyOf(models);
    labels = labels == null ? Map.of() : new TreeMap<>(labels);
    spent = spent == null ? Spend.unknown(0) : spent;
    if (detail != null && detail.length() > MAX_DETAIL_CHARS) {
      detail = detail.substring(0, MAX_DETAIL_CHARS - 1) + "…";
    }
  }

  /** The task class this op belongs to: its profile plus its labels. */
  @JsonIgnore
  public String taskClass() {
    return TaskClass.key(profile, labels);
  }

  /** Every problem that keeps this op out of the log, each naming the field. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (opId == null || opId.isBlank()) {
      out.add("opId: expected a non-blank id, got " + (opId == null ? "nothing" : "\"\""));
    }
    if (runId == null || runId.isBlank()) {
      out.add("runId: expected a workflow id, got " + (runId == null ? "nothing" : "\"\""));
    }
    if (!RUN.equals(kind) && !DELEGATION.equals(kind)) {
      out.add("kind: expected run or delegation, got " + kind);
    }
    if (outcome == null || outcome.isBlank()) {
      out.add("outcome: expected an outcome, got nothing");
    }
    if (durationMs < 0) {
      out.add("durationMs: expected a duration ≥ 0, got " + durationMs);
    }
    return out;
  }
}
