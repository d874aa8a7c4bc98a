package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One eval-run event as Tangle Intelligence ingests it (wire version {@value
 * EvalRunBatch#WIRE_VERSION}). Re-posting a {@code runId} upserts the run, which is how a gate
 * decision taken after the run closed lands on the same record.
 *
 * @param runId the run's Temporal workflow id
 * @param runDir where the run's artefacts live; the run id when the request named none
 * @param timestamp ISO-8601 instant of the event
 * @param status {@code started}, {@code generation-complete}, {@code gate-decided}, {@code
 *     finished} or {@code errored}
 * @param labels the request's eval labels
 * @param generations one per settled worker
 * @param gateDecision for {@code gate-decided}: {@code ship}, {@code hold}, {@code need_more_work},
 *     {@code model_ceiling} or {@code arch_ceiling}
 * @param holdoutLift the measured lift on a holdout set, when the decision came with one
 * @param totalCostUsd everything the run spent, from its ledger
 * @param totalDurationMs run start to this event
 * @param errorMessage why the run errored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalRunEvent(
    String runId,
    String runDir,
    String timestamp,
    String status,
    Map<String, String> labels,
    List<Generation> generations,
    String gateDecision,
    Double holdoutLift,
    BigDecimal totalCostUsd,
    long totalDurationMs,
    String errorMessage) {

  public static final String STARTED = "started";
  public static final String GENERATION_COMPLETE = "generation-complete";
  public static final String GATE_DECIDED = "gate-decided";
  public static final String FINISHED = "finished";
  public static final String ERRORED = "errored";

  /** Every status the wire knows. */
  public static final Set<String> STATUSES =
      Set.of(STARTED, GENERATION_COMPLETE, GATE_DECIDED, FINISHED, ERRORED);

  /** Every gate decision the wire knows. */
  public static final List<String> GATE_DECISIONS =
      List.of("ship", "hold", "need_more_work", "model_ceiling", "arch_ceiling");

  public EvalRunEvent {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(runDir, "runDir");
    Objects.requireNonNull(timestamp, "timestamp");
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException(
          "eval event status: expected one of " + STATUSES + ", got \"" + status + "\"");
    }
    if (gateDecision != null && !GATE_DECISIONS.contains(gateDecision)) {
      throw new IllegalArgumentException(
          "gateDecision: expected one of " + GATE_DECISIONS + ", got \"" + gateDecision + "\"");
    }
    if (GATE_DECIDED.equals(status) && gateDecision == null) {
      throw new IllegalArgumentException("gateDecision: required when status is gate-decided");
    }
    labels = labels == null ? Map.of() : withoutNulls(labels);
    generations = generations == null ? List.of() : List.copyOf(generations);
    totalCostUsd = totalCostUsd == null ? BigDecimal.ZERO : totalCostUsd;
  }

  /** Labels come from users' JSON; a null key or value is dropped rather than failing the run. */
  private static Map<String, String> withoutNulls(Map<String, String> labels) {
    Map<String, String> out = new java.util.TreeMap<>();
    labels.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            out.put(k, v);
          }
        });
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * This run's record re-stated as a gate decision: same run id, generations and cost, so the
   * ingest upserts the decision onto the record it already has.
   */
  public EvalRunEvent gateDecided(String decision, Double lift, String at) {
    return new EvalRunEvent(
        runId,
        runDir,
        at,
        GATE_DECIDED,
        labels,
        generations,
        decision,
        lift,
        totalCostUsd,
        totalDurationMs,
        errorMessage);
  }
}
