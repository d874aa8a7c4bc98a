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
 * @param onBudgetExhausted {@code "end"} (default: the run ends {@code NO_WINNER}) or {@code
 *     "pause"} (it waits for {@code raiseBudget}, a cancel or {@code pauseTimeoutMs})
 * @param pauseTimeoutMs how long a paused run waits before it ends as {@code "end"} would have,
 *     default 24 h
 * @param continueAsNewAfterEvents history length past which the run continues-as-new at its next
 *     safe point, default 10,000, minimum 500
 * @param judge optional: a model that scores each delivered chat output 0..1 when the driver named
 *     no winner; the highest score wins (its calls are metered on node {@code <run>:judge})
 * @param usePlaybook whether the driver is given the observer's playbook entries for this run's
 *     task class (profile {@code run} plus its eval-run labels); null means no
 * @param carried set by the run itself when it continues-as-new: everything the next run of its
 *     chain takes over; a client never sets it (a first run that has it is refused)
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
    String onBudgetExhausted,
    Long pauseTimeoutMs,
    Integer continueAsNewAfterEvents,
    JudgeSettings judge,
    Boolean usePlaybook,
    CarriedState carried,
    @JsonIgnore List<String> inputProblems) {

  public static final String END = "end";
  public static final String PAUSE = "pause";
  public static final long DEFAULT_PAUSE_TIMEOUT_MS = 24L * 60 * 60 * 1000;
  public static final int DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;
  public static final int MIN_CONTINUE_AS_NEW_AFTER_EVENTS = 500;

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
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The same request, its driver given the observer's playbook or not. */
  public RunRequest withUsePlaybook(Boolean use) {
    return copy().usePlaybook(use).build();
  }

  /** The same request with what was wrong with its JSON. */
  RunRequest withInputProblems(List<String> problems) {
    return copy().inputProblems(List.copyOf(problems)).build();
  }

  /** The same request with the long-run settings given (null leaves a default). */
  public RunRequest withLongRun(
      String onBudgetExhausted, Long pauseTimeoutMs, Integer continueAsNewAfterEvents) {
    return copy()
        .onBudgetExhausted(onBudgetExhausted)
        .pauseTimeoutMs(pauseTimeoutMs)
        .continueAsNewAfterEvents(continueAsNewAfterEvents)
        .build();
  }

  /** The same request with another root budget: what a raise leaves the run with. */
  public RunRequest withBudget(Budget raised) {
    return copy().budget(raised).build();
  }

  /** The request the next run of the chain starts with: this one, carrying {@code state}. */
  RunRequest continuedWith(CarriedState state) {
    return copy().carried(state).inputProblems(null).build();
  }

  /** The same request with a judge of delivered outputs. */
  public RunRequest withJudge(JudgeSettings j) {
    return copy().judge(j).build();
  }

  public boolean pausesAtBudget() {
    return PAUSE.equals(onBudgetExhausted);
  }

  public long pauseTimeoutMsOrDefault() {
    return pauseTimeoutMs == null ? DEFAULT_PAUSE_TIMEOUT_MS : pauseTimeoutMs;
  }

  public int continueAsNewAfterEventsOrDefault() {
    return continueAsNewAfterEvents == null
        ? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS
        : continueAsNewAfterEvents;
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

  private Copy copy() {
    return new Copy(this);
  }

  /** A changed copy of a request: records have no "with", so every change goes through here. */
  private static final class Copy {
    private JsonNode task;
    private Budget budget;
    private Budget perWorker;
    private Integer maxTurns;
    private Integer maxDepth;
    private Integer maxLiveWorkers;
    private DriverSettings driver;
    private List<String> workerProfiles;
    private EvalRunLabels evalRun;
    private String onBudgetExhausted;
    private Long pauseTimeoutMs;
    private Integer continueAsNewAfterEvents;
    private JudgeSettings judge;
    private Boolean usePlaybook;
    private CarriedState carried;
    private List<String> inputProblems;

    Copy(RunRequest r) {
      task = r.task;
      budget = r.budget;
      perWorker = r.perWorker;
      maxTurns = r.maxTurns;
      maxDepth = r.maxDepth;
      maxLiveWorkers = r.maxLiveWorkers;
      driver = r.driver;
      workerProfiles = r.workerProfiles;
      evalRun = r.evalRun;
      onBudgetExhausted = r.onBudgetExhausted;
      pauseTimeoutMs = r.pauseTimeoutMs;
      continueAsNewAfterEvents = r.continueAsNewAfterEvents;
      judge = r.judge;
      usePlaybook = r.usePlaybook;
      carried = r.carried;
      inputProblems = r.inputProblems;
    }

    Copy budget(Budget b) {
      budget = b;
      return this;
    }

    Copy onBudgetExhausted(String v) {
      onBudgetExhausted = v;
      return this;
    }

    Copy pauseTimeoutMs(Long v) {
      pauseTimeoutMs = v;
      return this;
    }

    Copy continueAsNewAfterEvents(Integer v) {
      continueAsNewAfterEvents = v;
      return this;
    }

    Copy judge(JudgeSettings v) {
      judge = v;
      return this;
    }

    Copy usePlaybook(Boolean v) {
      usePlaybook = v;
      return this;
    }

    Copy carried(CarriedState v) {
      carried = v;
      return this;
    }

    Copy inputProblems(List<String> v) {
      inputProblems = v;
      return this;
    }

    RunRequest build() {
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
          onBudgetExhausted,
          pauseTimeoutMs,
          continueAsNewAfterEvents,
          judge,
          usePlaybook,
          carried,
          inputProblems);
    }
  }
}
