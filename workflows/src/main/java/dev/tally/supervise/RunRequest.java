package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import java.util.List;

/**
 * Input of {@code SupervisedRun}. Checked by {@link RunRequestRules} before anything runs.
 *
 * @param task what to do: a string or any JSON value
 * @param budget the root pool's ceilings
 * @param perWorker the default budget of one spawn; {@code spawn_worker}'s budget merges over it
 * @param maxTurns driver turn cap, default 16; 0 lifts the cap (the pool, the deadline and a
 *     2000-turn tripwire still bound the loop)
 * @param maxDepth how deep nested drivers may go, default 4
 * @param maxLiveWorkers live workers at once across this driver, null for no cap
 * @param driver model settings
 * @param workerProfiles the profiles the driver may spawn, default {@code [chat, driver]}
 * @param evalRun optional eval-run export labels
 * @param usePlaybook whether the driver is given the observer's playbook entries for this run's
 *     task class (profile {@code run} plus its eval-run labels); null means no
 * @param inputProblems what was wrong with the JSON this request was read from (unknown fields,
 *     wrong types), set by {@link RunRequestReader}; never on the wire
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRequest(
    JsonNode task,
    Budget budget,
    Budget perWorker,
    Integer maxTurns,
    Integer maxDepth,
    Integer maxLiveWorkers,
    DriverSettings driver,
    List<String> workerProfiles,
    EvalRunLabels evalRun,
    Boolean usePlaybook,
    @JsonIgnore List<String> inputProblems) {

  /** Longest task text, well under Temporal's 2 MB payload limit. */
  public static final int MAX_TASK_CHARS = 100_000;

  public static final int DEFAULT_MAX_TURNS = 16;

  /** A request as clients build it. */
  public RunRequest(
      JsonNode task,
      Budget budget,
      Budget perWorker,
      Integer maxTurns,
      Integer maxDepth,
      Integer maxLiveWorkers,
      DriverSettings driver,
      List<String> workerProfiles,
      EvalRunLabels evalRun) {
    this(
        task,
        budget,
        perWorker,
        maxTurns,
        maxDepth,
        maxLiveWorkers,
        driver,
        workerProfiles,
        evalRun,
        null,
        null);
  }

  /** The same request, its driver given the observer's playbook or not. */
  public RunRequest withUsePlaybook(Boolean use) {
    return new RunRequest(
        task,
        budget,
        perWorker,
        maxTurns,
        maxDepth,
        maxLiveWorkers,
        driver,
        workerProfiles,
        evalRun,
        use,
        inputProblems);
  }

  /** The same request with what was wrong with its JSON. */
  RunRequest withInputProblems(List<String> problems) {
    return new RunRequest(
        task,
        budget,
        perWorker,
        maxTurns,
        maxDepth,
        maxLiveWorkers,
        driver,
        workerProfiles,
        evalRun,
        usePlaybook,
        List.copyOf(problems));
  }

  public static final int DEFAULT_MAX_DEPTH = 4;
  public static final int RUNAWAY_TRIPWIRE_TURNS = 2000;

  public int maxTurnsOrDefault() {
    return maxTurns == null ? DEFAULT_MAX_TURNS : maxTurns;
  }

  /** The effective turn cap: maxTurns, or the runaway tripwire when maxTurns is 0. */
  public int turnCap() {
    int m = maxTurnsOrDefault();
    return m == 0 ? RUNAWAY_TRIPWIRE_TURNS : m;
  }

  public int maxDepthOrDefault() {
    return maxDepth == null ? DEFAULT_MAX_DEPTH : maxDepth;
  }

  public DriverSettings driverOrDefault() {
    return driver == null ? DriverSettings.DEFAULTS : driver;
  }

  public List<String> workerProfilesOrDefault() {
    return workerProfiles == null ? WorkerProfiles.DEFAULT_ALLOWED : workerProfiles;
  }

  /** The same request with another root budget and task: how a nested driver is configured. */
  public RunRequest nested(JsonNode subTask, Budget subBudget) {
    return new RunRequest(
        subTask,
        subBudget,
        perWorker,
        maxTurns,
        maxDepth,
        maxLiveWorkers,
        driver,
        workerProfiles,
        null);
  }
}
