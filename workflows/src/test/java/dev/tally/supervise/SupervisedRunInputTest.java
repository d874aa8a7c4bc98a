package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input never runs: the workflow fails at once with a non-retryable {@code InvalidRunRequest}
 * naming the field, what was expected and what arrived, and spends nothing. Inputs are sent as
 * plain JSON, as the Temporal CLI or another SDK would.
 */
class SupervisedRunInputTest {
  private static final ScriptedChat chat = new ScriptedChat(Scripts.coordinator(1));
  private static TemporalHarness harness;
  private static int counter;

  @BeforeAll
  static void start() {
    harness = new TemporalHarness(chat, new RecordingMeter());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static ObjectNode valid() {
    return (ObjectNode)
        Json.parse(
            "{\"task\":\"t\",\"budget\":{\"maxIterations\":5,\"maxTokens\":10000,\"maxUsd\":1,"
                + "\"deadlineMs\":60000},\"perWorker\":{\"maxIterations\":1,\"maxTokens\":1000},"
                + "\"maxTurns\":4,\"maxDepth\":2,\"maxLiveWorkers\":2,"
                + "\"driver\":{\"model\":\"m\",\"temperature\":0.2},\"workerProfiles\":[\"chat\"]}");
  }

  /** {@code valid()} with one JSON pointer replaced (or removed when value is null). */
  private static JsonNode with(String path, Object value) {
    ObjectNode root = valid();
    String[] parts = path.split("\\.");
    ObjectNode parent = root;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = (ObjectNode) parent.get(parts[i]);
    }
    String leaf = parts[parts.length - 1];
    if (value == null) {
      parent.remove(leaf);
    } else {
      parent.set(leaf, Json.CANONICAL.valueToTree(value));
    }
    return root;
  }

  private static WorkflowFailedException failedRun(JsonNode input) {
    WorkflowStub stub =
        harness
            .client()
            .newUntypedWorkflowStub(
                SupervisedRunWorkflow.TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-bad-" + (++counter))
                    .setTaskQueue(TemporalHarness.QUEUE)
                    .build());
    stub.start(Json.convert(input, Map.class));
    try {
      stub.getResult(JsonNode.class);
    } catch (WorkflowFailedException e) {
      return e;
    }
    throw new AssertionError("the run should have failed for input " + input);
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of("task", null, "task: expected a non-empty string or JSON value, got nothing"),
        Arguments.of("task", "  ", "task: expected a non-empty string or JSON value, got a blank"),
        Arguments.of("budget", null, "budget: expected a budget object, got null"),
        Arguments.of(
            "budget.maxIterations", -1, "budget.maxIterations: expected an integer >= 0, got -1"),
        Arguments.of(
            "budget.maxIterations",
            null,
            "budget.maxIterations: expected an integer >= 0, got nothing"),
        Arguments.of("budget.maxTokens", -5, "budget.maxTokens: expected an integer >= 0, got -5"),
        Arguments.of(
            "budget.maxTokens", null, "budget.maxTokens: expected an integer >= 0, got nothing"),
        Arguments.of(
            "budget.maxUsd", -0.5, "budget.maxUsd: expected a finite number >= 0 or absent"),
        Arguments.of(
            "budget.deadlineMs",
            -1,
            "budget.deadlineMs: expected an integer >= 0 or absent, got -1"),
        Arguments.of("perWorker", null, "perWorker: expected a budget object, got null"),
        Arguments.of(
            "perWorker.maxIterations",
            -2,
            "perWorker.maxIterations: expected an integer >= 0, got -2"),
        Arguments.of(
            "perWorker.maxTokens", -3, "perWorker.maxTokens: expected an integer >= 0, got -3"),
        Arguments.of("perWorker.maxUsd", -1, "perWorker.maxUsd: expected a finite number >= 0"),
        Arguments.of(
            "perWorker.deadlineMs",
            -9,
            "perWorker.deadlineMs: expected an integer >= 0 or absent, got -9"),
        Arguments.of("maxTurns", -1, "maxTurns: expected an integer >= 0 (0 lifts the turn cap"),
        Arguments.of("maxDepth", 0, "maxDepth: expected an integer in 1..16, got 0"),
        Arguments.of(
            "maxLiveWorkers",
            0,
            "maxLiveWorkers: expected an integer >= 1 or absent (no cap), got 0"),
        Arguments.of(
            "workerProfiles",
            new String[] {"wizard"},
            "workerProfiles: expected only [chat, driver, sandbox], got \"wizard\""),
        Arguments.of(
            "workerProfiles",
            new String[] {},
            "workerProfiles: expected at least one of [chat, driver, sandbox], got []"),
        Arguments.of(
            "driver.temperature", 3.5, "driver.temperature: expected a number in 0..2, got 3.5"),
        Arguments.of(
            "driver.model",
            " ",
            "driver.model: expected a model name or absent, got a blank string"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badFields")
  void run_badField_failsNonRetryableNamingFieldExpectedAndActual(
      String field, Object value, String message) {
    int billedBefore = chat.billed().size();

    WorkflowFailedException e = failedRun(with(field, value));

    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure failure = (ApplicationFailure) e.getCause();
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_RUN_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(message);
    assertThat(chat.billed()).hasSize(billedBefore);
  }

  @Test
  void run_dollarsPerWorkerWithoutRootCap_refusedUpFront() {
    JsonNode input = with("budget.maxUsd", null);
    ((ObjectNode) input.get("perWorker")).put("maxUsd", 0.1);

    WorkflowFailedException e = failedRun(input);

    assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage())
        .contains("perWorker.maxUsd: expected absent because budget.maxUsd is absent");
  }

  @Test
  void run_numberFieldHoldsText_failsInsteadOfRetryingForever() {
    WorkflowFailedException e = failedRun(with("budget.maxTokens", "lots"));

    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).contains("maxTokens");
  }

  @Test
  void run_fractionalCount_refusedNotTruncated() {
    WorkflowFailedException e = failedRun(with("budget.maxIterations", 1.5));

    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).contains("maxIterations");
  }

  @Test
  void run_validPlainJsonInput_runsAndAnswersPlainJson() {
    WorkflowStub stub =
        harness
            .client()
            .newUntypedWorkflowStub(
                SupervisedRunWorkflow.TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-json-ok")
                    .setTaskQueue(TemporalHarness.QUEUE)
                    .build());
    stub.start(Json.convert(valid(), Map.class));

    JsonNode result = stub.getResult(JsonNode.class);

    assertThat(result.path("kind").asText()).isEqualTo("WINNER");
    assertThat(result.path("spentTotal").path("inputTokens").asLong()).isPositive();
  }
}
