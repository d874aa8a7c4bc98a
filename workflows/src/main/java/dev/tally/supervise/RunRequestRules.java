package dev.tally.supervise;

import dev.tally.ledger.BudgetRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link RunRequest} up front. Every problem names the field, what was expected and what
 * arrived, so the caller can fix the input without reading code.
 */
public final class RunRequestRules {
  static final int MAX_DEPTH_LIMIT = 16;

  private RunRequestRules() {}

  /** Every problem with {@code r}; empty when it can run. */
  public static List<String> problems(RunRequest r) {
    List<String> out = new ArrayList<>();
    if (r == null) {
      out.add("request: expected a RunRequest object, got null");
      return out;
    }
    if (r.inputProblems() != null) {
      out.addAll(r.inputProblems());
      if (r.task() == null && r.budget() == null) {
        // Nothing could be read: the other fields' "missing" messages would only be noise.
        return out;
      }
    }
    if (r.task() != null && Supervisor.taskText(r.task()).length() > RunRequest.MAX_TASK_CHARS) {
      out.add(
          "task: expected at most "
              + RunRequest.MAX_TASK_CHARS
              + " characters (put larger inputs in a file or a blob and pass a reference), got "
              + Supervisor.taskText(r.task()).length());
    }
    if (r.task() == null || r.task().isNull() || r.task().isMissingNode()) {
      out.add("task: expected a non-empty string or JSON value, got nothing");
    } else if (r.task().isTextual() && r.task().asText().isBlank()) {
      out.add("task: expected a non-empty string or JSON value, got a blank string");
    } else if (r.task().isContainerNode() && r.task().isEmpty()) {
      out.add("task: expected a non-empty string or JSON value, got " + r.task());
    }
    out.addAll(BudgetRules.inputProblems("budget", r.budget()));
    out.addAll(BudgetRules.inputProblems("perWorker", r.perWorker()));
    if (r.budget() != null
        && r.perWorker() != null
        && r.perWorker().usdCapped()
        && !r.budget().usdCapped()) {
      out.add(
          "perWorker.maxUsd: expected absent because budget.maxUsd is absent (dollars uncapped), got "
              + r.perWorker().maxUsd().toPlainString());
    }
    if (r.maxTurns() != null && r.maxTurns() < 0) {
      out.add(
          "maxTurns: expected an integer >= 0 (0 lifts the turn cap; the pool, the deadline and"
              + " a 2000-turn tripwire still bound the run), got "
              + r.maxTurns());
    }
    if (r.maxDepth() != null && (r.maxDepth() < 1 || r.maxDepth() > MAX_DEPTH_LIMIT)) {
      out.add("maxDepth: expected an integer in 1.." + MAX_DEPTH_LIMIT + ", got " + r.maxDepth());
    }
    if (r.maxLiveWorkers() != null && r.maxLiveWorkers() < 1) {
      out.add(
          "maxLiveWorkers: expected an integer >= 1 or absent (no cap), got " + r.maxLiveWorkers());
    }
    if (r.workerProfiles() != null) {
      if (r.workerProfiles().isEmpty()) {
        out.add("workerProfiles: expected at least one of " + WorkerProfiles.KNOWN + ", got []");
      }
      for (String p : r.workerProfiles()) {
        if (!WorkerProfiles.KNOWN.contains(p)) {
          out.add("workerProfiles: expected only " + WorkerProfiles.KNOWN + ", got \"" + p + "\"");
        }
      }
    }
    if (r.onBudgetExhausted() != null
        && !RunRequest.END.equals(r.onBudgetExhausted())
        && !RunRequest.PAUSE.equals(r.onBudgetExhausted())) {
      out.add(
          "onBudgetExhausted: expected \"end\" or \"pause\", got \""
              + r.onBudgetExhausted()
              + "\"");
    }
    if (r.pauseTimeoutMs() != null
        && (r.pauseTimeoutMs() < 1 || r.pauseTimeoutMs() > BudgetRules.MAX_DEADLINE_MS)) {
      out.add(
          "pauseTimeoutMs: expected an integer in 1.."
              + BudgetRules.MAX_DEADLINE_MS
              + " (default 24 h), got "
              + r.pauseTimeoutMs());
    }
    if (r.continueAsNewAfterEvents() != null
        && r.continueAsNewAfterEvents() < RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS) {
      out.add(
          "continueAsNewAfterEvents: expected an integer >= "
              + RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS
              + " (default "
              + RunRequest.DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS
              + "), got "
              + r.continueAsNewAfterEvents());
    }
    JudgeSettings j = r.judge();
    if (j != null && (j.model() == null || j.model().isBlank())) {
      out.add(
          "judge.model: expected a model name, got "
              + (j.model() == null ? "nothing" : "a blank string"));
    }
    if (j != null && j.rubric() != null && j.rubric().length() > JudgeSettings.MAX_RUBRIC_CHARS) {
      out.add(
          "judge.rubric: expected at most "
              + JudgeSettings.MAX_RUBRIC_CHARS
              + " characters, got "
              + j.rubric().length());
    }
    DriverSettings d = r.driver();
    if (d != null && d.temperature() != null) {
      double t = d.temperature();
      if (!(t >= 0 && t <= 2)) {
        out.add("driver.temperature: expected a number in 0..2, got " + t);
      }
    }
    if (d != null && d.model() != null && d.model().isBlank()) {
      out.add("driver.model: expected a model name or absent, got a blank string");
    }
    return out;
  }
}
