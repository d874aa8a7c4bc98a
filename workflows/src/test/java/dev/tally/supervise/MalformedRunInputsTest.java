package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.testing.MalformedInputsDoc;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Malformed {@code SupervisedRun} inputs, sent as raw JSON the way the Temporal CLI or another
 * language's SDK sends them: every one fails the run at once with the typed, non-retryable {@code
 * InvalidRunRequest} whose message names the field in words. The test writes its section of {@code
 * docs/malformed-inputs.md}, so the document is exactly what was asserted.
 */
class MalformedRunInputsTest {
  private static final String OK_BUDGET = "{\"maxIterations\":2,\"maxTokens\":1000}";

  /** One input and a fragment its message must contain. */
  record Case(String json, String expected) {}

  private static String with(String field, String value) {
    return "{\"task\":\"hi\",\"budget\":"
        + OK_BUDGET
        + ",\"perWorker\":{\"maxIterations\":1,\"maxTokens\":100},\""
        + field
        + "\":"
        + value
        + "}";
  }

  private static String budget(String which, String field, String value) {
    String b = "{\"maxIterations\":2,\"maxTokens\":1000,\"" + field + "\":" + value + "}";
    String other = "{\"maxIterations\":1,\"maxTokens\":100}";
    return "budget".equals(which)
        ? "{\"task\":\"hi\",\"budget\":" + b + ",\"perWorker\":" + other + "}"
        : "{\"task\":\"hi\",\"budget\":" + OK_BUDGET + ",\"perWorker\":" + b + "}";
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    out.add(new Case("[]", "request: expected a JSON object (a RunRequest), got a list"));
    out.add(
        new Case("\"run this\"", "request: expected a JSON object (a RunRequest), got the string"));
    out.add(new Case("42", "request: expected a JSON object (a RunRequest), got the integer"));
    out.add(new Case("true", "request: expected a JSON object (a RunRequest), got the boolean"));
    out.add(new Case("{}", "task: expected a non-empty string or JSON value, got nothing"));
    out.add(new Case("{\"task\":\"hi\"}", "budget: expected a budget object, got null"));
    out.add(
        new Case(
            "{\"task\":\"\",\"budget\":" + OK_BUDGET + "}",
            "task: expected a non-empty string or JSON value, got a blank string"));
    out.add(new Case("{\"task\":\"   \",\"budget\":" + OK_BUDGET + "}", "got a blank string"));
    out.add(
        new Case(
            "{\"task\":null,\"budget\":" + OK_BUDGET + "}",
            "task: expected a non-empty string or JSON value, got nothing"));
    out.add(
        new Case(
            "{\"task\":[],\"budget\":" + OK_BUDGET + "}",
            "task: expected a non-empty string or JSON value, got []"));
    out.add(
        new Case(
            "{\"task\":{},\"budget\":" + OK_BUDGET + "}",
            "task: expected a non-empty string or JSON value, got {}"));
    out.add(
        new Case(
            "{\"task\":\""
                + "x".repeat(RunRequest.MAX_TASK_CHARS + 1)
                + "\",\"budget\":"
                + OK_BUDGET
                + "}",
            "task: expected at most 100000 characters"));
    for (String which : List.of("budget", "perWorker")) {
      for (String field : List.of("maxIterations", "maxTokens")) {
        out.add(
            new Case(
                budget(which, field, "\"ten\""),
                which + "." + field + ": expected an integer, got the string \"ten\""));
        out.add(
            new Case(
                budget(which, field, "1.5"),
                which + "." + field + ": expected an integer, got the number 1.5"));
        out.add(
            new Case(
                budget(which, field, "-1"),
                which + "." + field + ": expected an integer >= 0, got -1"));
        out.add(
            new Case(
                budget(which, field, "true"),
                which + "." + field + ": expected an integer, got the boolean true"));
        out.add(
            new Case(
                budget(which, field, "[1]"),
                which + "." + field + ": expected an integer, got a list [1]"));
        out.add(
            new Case(
                budget(which, field, "1000000000000001"),
                which + "." + field + ": expected an integer of at most 1000000000000000"));
        out.add(
            new Case(
                budget(which, field, "18446744073709551616"),
                which + "." + field + ": expected an integer"));
      }
      out.add(
          new Case(
              budget(which, "maxUsd", "\"lots\""),
              which + ".maxUsd: expected a number, got the string \"lots\""));
      out.add(
          new Case(
              budget(which, "maxUsd", "-0.01"), which + ".maxUsd: expected a finite number >= 0"));
      out.add(
          new Case(
              budget(which, "maxUsd", "1e309"),
              which + ".maxUsd: expected a dollar amount of at most 1000000"));
      out.add(
          new Case(
              budget(which, "deadlineMs", "-5"),
              which + ".deadlineMs: expected an integer >= 0 or absent, got -5"));
      out.add(
          new Case(
              budget(which, "deadlineMs", "99999999999999999"),
              which + ".deadlineMs: expected at most 315360000000 (ten years)"));
      out.add(
          new Case(
              budget(which, "deadlineMs", "\"10m\""),
              which + ".deadlineMs: expected an integer, got the string \"10m\""));
      out.add(
          new Case(
              budget(which, "maxUSD", "1"),
              which + ".maxUSD: unknown field (did you mean \"maxUsd\"?)"));
      out.add(
          new Case(
              budget(which, "tokens", "1"),
              which
                  + ".tokens: unknown field; Budget fields are deadlineMs, maxIterations, maxTokens, maxUsd"));
    }
    out.add(
        new Case(
            "{\"task\":\"hi\",\"budget\":\"lots\"}",
            "budget: expected an object (Budget), got the string \"lots\""));
    out.add(
        new Case(
            "{\"task\":\"hi\",\"budget\":[]}", "budget: expected an object (Budget), got a list"));
    out.add(
        new Case(
            "{\"task\":\"hi\",\"budget\":{\"maxTokens\":10}}",
            "budget.maxIterations: expected an integer >= 0, got nothing (the field is required)"));
    out.add(
        new Case(
            "{\"task\":\"hi\",\"budget\":{\"maxIterations\":1}}",
            "budget.maxTokens: expected an integer >= 0, got nothing (the field is required)"));
    out.add(
        new Case(
            "{\"task\":\"hi\",\"budget\":{\"maxIterations\":1,\"maxTokens\":10},\"perWorker\":{\"maxIterations\":1,\"maxTokens\":10,\"maxUsd\":0.1}}",
            "perWorker.maxUsd: expected absent because budget.maxUsd is absent"));
    out.add(new Case(with("maxTurns", "-1"), "maxTurns: expected an integer >= 0"));
    out.add(
        new Case(
            with("maxTurns", "\"many\""),
            "maxTurns: expected an integer, got the string \"many\""));
    out.add(new Case(with("maxTurns", "2.5"), "maxTurns: expected an integer, got the number 2.5"));
    out.add(new Case(with("maxDepth", "0"), "maxDepth: expected an integer in 1..16, got 0"));
    out.add(new Case(with("maxDepth", "17"), "maxDepth: expected an integer in 1..16, got 17"));
    out.add(
        new Case(
            with("maxDepth", "\"deep\""),
            "maxDepth: expected an integer, got the string \"deep\""));
    out.add(
        new Case(
            with("maxLiveWorkers", "0"), "maxLiveWorkers: expected an integer >= 1 or absent"));
    out.add(
        new Case(
            with("maxLiveWorkers", "1.5"),
            "maxLiveWorkers: expected an integer, got the number 1.5"));
    out.add(new Case(with("workerProfiles", "[]"), "workerProfiles: expected at least one of"));
    out.add(
        new Case(
            with("workerProfiles", "[\"robot\"]"),
            "workerProfiles: expected only [chat, driver, sandbox], got \"robot\""));
    out.add(
        new Case(
            with("workerProfiles", "\"chat\""),
            "workerProfiles: expected a list, got the string \"chat\""));
    out.add(
        new Case(
            with("driver", "{\"temperature\":3}"),
            "driver.temperature: expected a number in 0..2, got 3.0"));
    out.add(
        new Case(
            with("driver", "{\"temperature\":\"hot\"}"),
            "driver.temperature: expected a number, got the string \"hot\""));
    out.add(
        new Case(
            with("driver", "{\"model\":\"  \"}"),
            "driver.model: expected a model name or absent, got a blank string"));
    out.add(
        new Case(
            with("driver", "{\"modle\":\"gpt\"}"),
            "driver.modle: unknown field; driver fields are model, temperature, workerModel"));
    out.add(
        new Case(
            with("driver", "\"gpt-5\""),
            "driver: expected an object (DriverSettings), got the string \"gpt-5\""));
    out.add(new Case(with("maxUSD", "1"), "maxUSD: unknown field; RunRequest fields are"));
    out.add(new Case(with("Task", "\"hi\""), "Task: unknown field (did you mean \"task\"?)"));
    out.add(new Case(with("budgets", "{}"), "budgets: unknown field; RunRequest fields are"));
    return out;
  }

  @Test
  void everyMalformedInput_failsAtOnceAsInvalidRunRequestNamingTheField() throws IOException {
    List<Case> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
    ScriptedChat chat = new ScriptedChat((r, c) -> Answer.text("never", 1, 1, "0"));
    List<String> rows = new ArrayList<>();
    int n = 0;
    // A fresh test server every 20 runs: its clock jumps ten years after each failed run, and the
    // SDK's latency metric overflows after about 29 such jumps.
    for (int from = 0; from < cases.size(); from += 20) {
      try (TemporalHarness harness = new TemporalHarness(chat, new RecordingMeter())) {
        for (Case c : cases.subList(from, Math.min(cases.size(), from + 20))) {
          String message = failureOf(harness, "run-bad-" + n++, Json.parse(c.json()));
          assertThat(message).as(c.json()).contains(c.expected());
          rows.add(
              "| "
                  + n
                  + " | `"
                  + MalformedInputsDoc.cell(c.json(), 120)
                  + "` | "
                  + MalformedInputsDoc.cell(message, 10_000)
                  + " |");
        }
      }
    }
    assertThat(chat.billed()).as("no malformed run reached the router").isEmpty();
    writeTable(rows);
  }

  private static String failureOf(TemporalHarness harness, String id, JsonNode input) {
    WorkflowStub stub =
        harness
            .client()
            .newUntypedWorkflowStub(
                "SupervisedRun",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(TemporalHarness.QUEUE)
                    .build());
    stub.start(input);
    try {
      stub.getResult(RunResult.class);
    } catch (WorkflowFailedException e) {
      ApplicationFailure app = (ApplicationFailure) e.getCause();
      assertThat(app.getType()).isEqualTo(Failures.INVALID_RUN_REQUEST);
      assertThat(app.isNonRetryable()).isTrue();
      return app.getOriginalMessage();
    }
    throw new AssertionError("run " + id + " did not fail for " + input);
  }

  private static void writeTable(List<String> rows) throws IOException {
    MalformedInputsDoc.writeSection(
        "run-json",
        "Supervised-run inputs (raw JSON)",
        "Written by `MalformedRunInputsTest` (workflows), which starts `SupervisedRun` with each"
            + " input as raw JSON, the way the Temporal CLI or another language's SDK sends it."
            + " Every one fails at once, before any router call, with the typed, non-retryable"
            + " `InvalidRunRequest`.",
        "| # | input (raw JSON) | message |\n|---|---|---|",
        rows);
  }
}
