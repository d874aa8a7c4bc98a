package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.supervise.EvalRunLabels;
import java.util.List;

/**
 * Input of {@code Delegation}.
 *
 * <p>{@code profile}, {@code args} and {@code namespace} say what is asked and make the task id;
 * {@code tickIntervalMs} and {@code wallCapMs} only tune how it is driven, so they do not.
 *
 * @param profile {@code coder}, {@code researcher} or {@code ui-auditor}
 * @param args the profile's arguments (coder: {@code goal, repoRoot, contextHint?, variants?,
 *     config? {testCmd, typecheckCmd, forbiddenPaths, maxDiffLines}}; researcher: {@code question,
 *     namespace, scope?, sources?, variants?, config?}; ui-auditor: {@code workspaceDir, routes,
 *     config?})
 * @param namespace groups delegations for history; null for none
 * @param tickIntervalMs the pause between sandbox ticks (the client passes its configured {@code
 *     TALLY_TICK_INTERVAL_MS}); null for the worker's setting
 * @param wallCapMs the wall-clock cap per sandbox session; null for the worker's setting
 * @param evalRun opt-in eval-run export, as for supervised runs: one record when the delegation
 *     ends, a generation per candidate; like the timing knobs, it does not change the task id
 * @param inputProblems what was wrong with the JSON this request was read from (unknown fields,
 *     wrong types), set by {@link DelegationRequestReader}; never on the wire
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DelegationRequest(
    String profile,
    JsonNode args,
    String namespace,
    Long tickIntervalMs,
    Long wallCapMs,
    EvalRunLabels evalRun,
    @JsonIgnore List<String> inputProblems) {

  /** A request as clients build it. */
  public DelegationRequest(
      String profile,
      JsonNode args,
      String namespace,
      Long tickIntervalMs,
      Long wallCapMs,
      EvalRunLabels evalRun) {
    this(profile, args, namespace, tickIntervalMs, wallCapMs, evalRun, null);
  }

  /** A request without eval export. */
  public DelegationRequest(
      String profile, JsonNode args, String namespace, Long tickIntervalMs, Long wallCapMs) {
    this(profile, args, namespace, tickIntervalMs, wallCapMs, null);
  }

  /** A request with the worker's timing settings. */
  public static DelegationRequest of(String profile, JsonNode args, String namespace) {
    return new DelegationRequest(profile, args, namespace, null, null, null);
  }

  /** The same request driven with another tick interval and cap; the task id does not change. */
  public DelegationRequest withTiming(Long tickIntervalMs, Long wallCapMs) {
    return new DelegationRequest(
        profile, args, namespace, tickIntervalMs, wallCapMs, evalRun, inputProblems);
  }

  /** The same request exporting an eval-run record; the task id does not change. */
  public DelegationRequest withEvalRun(EvalRunLabels labels) {
    return new DelegationRequest(
        profile, args, namespace, tickIntervalMs, wallCapMs, labels, inputProblems);
  }

  /** The same request with what was wrong with its JSON. */
  DelegationRequest withInputProblems(List<String> problems) {
    return new DelegationRequest(
        profile, args, namespace, tickIntervalMs, wallCapMs, evalRun, List.copyOf(problems));
  }

  /** What is asked, without the timing knobs: the input of the task id. */
  JsonNode identity() {
    ObjectNode node = Json.CANONICAL.createObjectNode();
    node.put("profile", profile);
    if (args != null) {
      node.set("args", args);
    }
    if (namespace != null) {
      node.put("namespace", namespace);
    }
    return node;
  }
}
