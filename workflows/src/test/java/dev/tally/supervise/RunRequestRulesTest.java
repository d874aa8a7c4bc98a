package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per field: every message names the field, what was expected and what arrived. */
class RunRequestRulesTest {
  private static final Budget ROOT = Budget.of(10, 50_000).withMaxUsd(new BigDecimal("1.00"));
  private static final Budget PER_WORKER = Budget.of(2, 5_000);

  private static RunRequest valid() {
    return new RunRequest(
        TextNode.valueOf("write a haiku"),
        ROOT,
        PER_WORKER,
        16,
        4,
        3,
        new DriverSettings("openai/gpt-4o-mini", "openai/gpt-4o-mini", 0.2),
        List.of(WorkerProfiles.CHAT, WorkerProfiles.DRIVER),
        new EvalRunLabels("runs/1", Map.of("suite", "smoke")));
  }

  private static RunRequest withTask(JsonNode task) {
    RunRequest r = valid();
    return new RunRequest(
        task,
        r.budget(),
        r.perWorker(),
        r.maxTurns(),
        r.maxDepth(),
        r.maxLiveWorkers(),
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  private static RunRequest withBudgets(Budget budget, Budget perWorker) {
    RunRequest r = valid();
    return new RunRequest(
        r.task(),
        budget,
        perWorker,
        r.maxTurns(),
        r.maxDepth(),
        r.maxLiveWorkers(),
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  private static RunRequest withLimits(Integer maxTurns, Integer maxDepth, Integer maxLive) {
    RunRequest r = valid();
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        maxTurns,
        maxDepth,
        maxLive,
        r.driver(),
        r.workerProfiles(),
        r.evalRun());
  }

  private static RunRequest withDriver(DriverSettings driver, List<String> profiles) {
    RunRequest r = valid();
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        r.maxTurns(),
        r.maxDepth(),
        r.maxLiveWorkers(),
        driver,
        profiles,
        r.evalRun());
  }

  @Test
  void problems_validRequest_none() {
    assertThat(RunRequestRules.problems(valid())).isEmpty();
  }

  @Test
  void problems_minimalRequestWithDefaults_none() {
    RunRequest minimal =
        Json.convert(
            Json.parse(
                "{\"task\":{\"goal\":\"x\"},\"budget\":{\"maxIterations\":0,\"maxTokens\":0},"
                    + "\"perWorker\":{\"maxIterations\":0,\"maxTokens\":0}}"),
            RunRequest.class);

    assertThat(RunRequestRules.problems(minimal)).isEmpty();
  }

  @Test
  void problems_nullRequest_saysARequestWasExpected() {
    assertThat(RunRequestRules.problems(null))
        .containsExactly("request: expected a RunRequest object, got null");
  }

  @Test
  void task_missing_namedWithExpectedAndActual() {
    String expected = "task: expected a non-empty string or JSON value, got nothing";
    assertThat(RunRequestRules.problems(withTask(null))).containsExactly(expected);
    assertThat(RunRequestRules.problems(withTask(NullNode.getInstance())))
        .containsExactly(expected);
    assertThat(RunRequestRules.problems(withTask(MissingNode.getInstance())))
        .containsExactly(expected);
  }

  @Test
  void task_blankString_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withTask(TextNode.valueOf("  \n"))))
        .containsExactly("task: expected a non-empty string or JSON value, got a blank string");
  }

  @Test
  void task_emptyObjectOrArray_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withTask(dev.tally.json.Json.parse("{}"))))
        .containsExactly("task: expected a non-empty string or JSON value, got {}");
    assertThat(RunRequestRules.problems(withTask(dev.tally.json.Json.parse("[]"))))
        .containsExactly("task: expected a non-empty string or JSON value, got []");
  }

  @Test
  void budget_missing_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(null, PER_WORKER)))
        .containsExactly("budget: expected a budget object, got null");
  }

  @Test
  void budgetMaxIterations_missingOrNegative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(new Budget(null, 10L, null, null), PER_WORKER)))
        .containsExactly(
            "budget.maxIterations: expected an integer >= 0, got nothing (the field is required)");
    assertThat(RunRequestRules.problems(withBudgets(new Budget(-1L, 10L, null, null), PER_WORKER)))
        .containsExactly("budget.maxIterations: expected an integer >= 0, got -1");
  }

  @Test
  void budgetMaxTokens_missingOrNegative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(new Budget(1L, null, null, null), PER_WORKER)))
        .containsExactly(
            "budget.maxTokens: expected an integer >= 0, got nothing (the field is required)");
    assertThat(RunRequestRules.problems(withBudgets(new Budget(1L, -100L, null, null), PER_WORKER)))
        .containsExactly("budget.maxTokens: expected an integer >= 0, got -100");
  }

  @Test
  void budgetMaxUsd_negative_namedWithExpectedAndActual() {
    assertThat(
            RunRequestRules.problems(
                withBudgets(ROOT.withMaxUsd(new BigDecimal("-0.25")), PER_WORKER)))
        .containsExactly(
            "budget.maxUsd: expected a finite number >= 0 or absent (absent = dollars not"
                + " capped), got -0.25");
  }

  @Test
  void budgetDeadlineMs_negative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(ROOT.withDeadlineMs(-1_000L), PER_WORKER)))
        .containsExactly("budget.deadlineMs: expected an integer >= 0 or absent, got -1000");
  }

  @Test
  void perWorker_missing_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(ROOT, null)))
        .containsExactly("perWorker: expected a budget object, got null");
  }

  @Test
  void perWorkerMaxIterations_missingOrNegative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(ROOT, new Budget(null, 10L, null, null))))
        .containsExactly(
            "perWorker.maxIterations: expected an integer >= 0, got nothing (the field is"
                + " required)");
    assertThat(RunRequestRules.problems(withBudgets(ROOT, new Budget(-3L, 10L, null, null))))
        .containsExactly("perWorker.maxIterations: expected an integer >= 0, got -3");
  }

  @Test
  void perWorkerMaxTokens_missingOrNegative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(ROOT, new Budget(1L, null, null, null))))
        .containsExactly(
            "perWorker.maxTokens: expected an integer >= 0, got nothing (the field is required)");
    assertThat(RunRequestRules.problems(withBudgets(ROOT, new Budget(1L, -5L, null, null))))
        .containsExactly("perWorker.maxTokens: expected an integer >= 0, got -5");
  }

  @Test
  void perWorkerMaxUsd_negative_namedWithExpectedAndActual() {
    assertThat(
            RunRequestRules.problems(
                withBudgets(ROOT, PER_WORKER.withMaxUsd(new BigDecimal("-1")))))
        .containsExactly(
            "perWorker.maxUsd: expected a finite number >= 0 or absent (absent = dollars not"
                + " capped), got -1");
  }

  @Test
  void perWorkerDeadlineMs_negative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withBudgets(ROOT, PER_WORKER.withDeadlineMs(-7L))))
        .containsExactly("perWorker.deadlineMs: expected an integer >= 0 or absent, got -7");
  }

  @Test
  void perWorkerMaxUsd_underUncappedBudget_namedWithExpectedAndActual() {
    assertThat(
            RunRequestRules.problems(
                withBudgets(Budget.of(10, 50_000), PER_WORKER.withMaxUsd(new BigDecimal("0.10")))))
        .containsExactly(
            "perWorker.maxUsd: expected absent because budget.maxUsd is absent (dollars"
                + " uncapped), got 0.10");
  }

  @Test
  void maxTurns_negative_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withLimits(-1, 4, 3)))
        .singleElement()
        .asString()
        .startsWith("maxTurns: expected an integer >= 0")
        .contains("2000-turn tripwire")
        .endsWith("got -1");
    assertThat(RunRequestRules.problems(withLimits(0, 4, 3))).as("0 lifts the cap").isEmpty();
  }

  @Test
  void maxDepth_outOfRange_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withLimits(16, 0, 3)))
        .containsExactly("maxDepth: expected an integer in 1..16, got 0");
    assertThat(RunRequestRules.problems(withLimits(16, 17, 3)))
        .containsExactly("maxDepth: expected an integer in 1..16, got 17");
    assertThat(RunRequestRules.problems(withLimits(16, 1, 3))).isEmpty();
    assertThat(RunRequestRules.problems(withLimits(16, 16, 3))).isEmpty();
  }

  @Test
  void maxLiveWorkers_belowOne_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withLimits(16, 4, 0)))
        .containsExactly("maxLiveWorkers: expected an integer >= 1 or absent (no cap), got 0");
    assertThat(RunRequestRules.problems(withLimits(16, 4, null))).isEmpty();
  }

  @Test
  void workerProfiles_empty_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withDriver(valid().driver(), List.of())))
        .containsExactly(
            "workerProfiles: expected at least one of [chat, driver, sandbox], got []");
  }

  @Test
  void workerProfiles_unknownName_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withDriver(valid().driver(), List.of("chat", "poet"))))
        .containsExactly("workerProfiles: expected only [chat, driver, sandbox], got \"poet\"");
  }

  @Test
  void driverTemperature_outOfRange_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withDriver(new DriverSettings(null, null, 2.5), null)))
        .containsExactly("driver.temperature: expected a number in 0..2, got 2.5");
    assertThat(RunRequestRules.problems(withDriver(new DriverSettings(null, null, -0.1), null)))
        .containsExactly("driver.temperature: expected a number in 0..2, got -0.1");
    assertThat(
            RunRequestRules.problems(withDriver(new DriverSettings(null, null, Double.NaN), null)))
        .containsExactly("driver.temperature: expected a number in 0..2, got NaN");
    assertThat(RunRequestRules.problems(withDriver(new DriverSettings(null, null, 2.0), null)))
        .isEmpty();
  }

  @Test
  void driverModel_blank_namedWithExpectedAndActual() {
    assertThat(RunRequestRules.problems(withDriver(new DriverSettings(" ", null, null), null)))
        .containsExactly("driver.model: expected a model name or absent, got a blank string");
  }

  @Test
  void problems_severalBadFields_reportsEveryOne() {
    RunRequest bad =
        new RunRequest(
            null,
            new Budget(-1L, 10L, null, null),
            PER_WORKER,
            -2,
            99,
            0,
            new DriverSettings("", null, 3.0),
            List.of(),
            null);

    assertThat(RunRequestRules.problems(bad))
        .extracting(p -> p.substring(0, p.indexOf(':')))
        .containsExactly(
            "task",
            "budget.maxIterations",
            "maxTurns",
            "maxDepth",
            "maxLiveWorkers",
            "workerProfiles",
            "driver.temperature",
            "driver.model");
  }
}
