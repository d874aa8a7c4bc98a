package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.testing.MalformedInputsDoc;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Malformed {@code Delegation} inputs, sent as raw JSON the way the Temporal CLI or another
 * language's SDK sends them: every one fails the delegation at once, before any sandbox is asked
 * for, with the typed, non-retryable {@code InvalidDelegationRequest} whose message names the field
 * in words. The test writes its section of {@code docs/malformed-inputs.md}.
 */
class MalformedDelegationInputsTest {
  /**
   * One input (and the workflow id it is started under) and a fragment its message must contain.
   */
  record Case(String id, String json, String expected) {
    Case(String json, String expected) {
      this(null, json, expected);
    }
  }

  private static final String CODER_ARGS = "\"goal\":\"fix the build\",\"repoRoot\":\"/src/app\"";

  private static String coder(String extraArgs) {
    return "{\"profile\":\"coder\",\"args\":{" + CODER_ARGS + extraArgs + "}}";
  }

  private static String coderConfig(String config) {
    return coder(",\"config\":" + config);
  }

  private static String research(String args) {
    return "{\"profile\":\"researcher\",\"args\":" + args + "}";
  }

  private static String top(String field, String value) {
    return "{\"profile\":\"coder\",\"args\":{" + CODER_ARGS + "},\"" + field + "\":" + value + "}";
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    String notObject = "request: expected a JSON object (a DelegationRequest), got ";
    out.add(new Case("[]", notObject + "a list"));
    out.add(new Case("\"fix the build\"", notObject + "the string"));
    out.add(new Case("7", notObject + "the integer"));
    out.add(new Case("false", notObject + "the boolean"));
    out.add(
        new Case(
            "{}",
            "profile: expected one of [coder, researcher, ui-auditor], got nothing; args:"
                + " expected an object, got nothing"));
    out.add(
        new Case(
            "{\"profile\":\"painter\",\"args\":{}}",
            "profile: expected one of [coder, researcher, ui-auditor], got 'painter'"));
    out.add(
        new Case(
            "{\"profile\":[\"coder\"],\"args\":{}}",
            "profile: expected a string, got a list [\"coder\"]"));
    out.add(new Case("{\"profile\":\"coder\"}", "args: expected an object, got nothing"));
    out.add(new Case("{\"profile\":\"coder\",\"args\":[]}", "args: expected an object, got []"));
    out.add(
        new Case(
            "{\"profile\":\"coder\",\"args\":\"fix it\"}",
            "args: expected an object, got \"fix it\""));
    out.add(
        new Case(
            top("Profile", "\"coder\""), "Profile: unknown field (did you mean \"profile\"?)"));
    out.add(
        new Case(
            top("wallCapMS", "60000"),
            "wallCapMS: unknown field (did you mean \"wallCapMs\"?); DelegationRequest fields are"
                + " args, evalRun, namespace, profile, tickIntervalMs, wallCapMs"));
    out.add(new Case(top("budget", "{}"), "budget: unknown field; DelegationRequest fields are"));
    out.add(
        new Case(
            top("namespace", "\"  \""),
            "namespace: expected a non-blank string or absent, got a blank string"));
    out.add(
        new Case(
            top("namespace", "{\"team\":\"a\"}"),
            "namespace: expected a string, got an object {\"team\":\"a\"}"));
    for (String field : List.of("tickIntervalMs", "wallCapMs")) {
      out.add(new Case(top(field, "0"), field + ": expected an integer >= 1 or absent, got 0"));
      out.add(new Case(top(field, "-5"), field + ": expected an integer >= 1 or absent, got -5"));
      out.add(
          new Case(top(field, "\"5s\""), field + ": expected an integer, got the string \"5s\""));
      out.add(new Case(top(field, "1.5"), field + ": expected an integer, got the number 1.5"));
      out.add(
          new Case(
              top(field, "99999999999999999"),
              field + ": expected at most 315360000000 (ten years), got 99999999999999999"));
      out.add(
          new Case(
              top(field, "18446744073709551616"),
              field + ": expected an integer, got the integer 18446744073709551616"));
    }
    out.add(
        new Case(
            top("evalRun", "\"runs/\""),
            "evalRun: expected an object (EvalRunLabels), got the string \"runs/\""));
    out.add(
        new Case(
            top("evalRun", "{\"runDir\":\"runs\",\"lables\":{}}"),
            "evalRun.lables: unknown field; EvalRunLabels fields are labels, runDir"));
    out.add(
        new Case(
            top("evalRun", "{\"runDir\":\"runs\",\"labels\":[\"a\"]}"),
            "evalRun.labels: expected an object of strings, got a list [\"a\"]"));
    out.add(
        new Case(
            "{\"profile\":\"coder\",\"args\":{\"repoRoot\":\"/src/app\"}}",
            "args.goal: expected a non-blank string, got nothing"));
    out.add(
        new Case(
            "{\"profile\":\"coder\",\"args\":{\"goal\":\" \",\"repoRoot\":\"/src/app\"}}",
            "args.goal: expected a non-blank string, got \" \""));
    out.add(
        new Case(
            "{\"profile\":\"coder\",\"args\":{\"goal\":\"g\",\"repoRoot\":\"src/app\"}}",
            "args.repoRoot: expected an absolute path, got \"src/app\""));
    out.add(
        new Case(
            "{\"profile\":\"coder\",\"args\":{\"goal\":\"g\",\"repoRoot\":42}}",
            "args.repoRoot: expected an absolute path, got 42"));
    out.add(
        new Case(
            coder(",\"gaol\":\"x\""),
            "args.gaol: expected one of the fields [config, contextHint, goal, repoRoot, variants],"
                + " got an unknown field"));
    out.add(
        new Case(
            coder(",\"contextHint\":7"), "args.contextHint: expected a string or absent, got 7"));
    out.add(
        new Case(coder(",\"variants\":0"), "args.variants: expected an integer in 1..8, got 0"));
    out.add(
        new Case(coder(",\"variants\":9"), "args.variants: expected an integer in 1..8, got 9"));
    out.add(
        new Case(
            coder(",\"variants\":1.5"), "args.variants: expected an integer in 1..8, got 1.5"));
    out.add(
        new Case(
            coder(",\"variants\":\"two\""),
            "args.variants: expected an integer in 1..8, got \"two\""));
    out.add(
        new Case(
            coderConfig("\"make test\""), "args.config: expected an object, got \"make test\""));
    out.add(
        new Case(
            coderConfig("{\"testcmd\":\"make\"}"),
            "args.config.testcmd: expected one of the fields [forbiddenPaths, harnesses,"
                + " maxConcurrency, maxDiffLines, models, reviewer, testCmd, typecheckCmd, winner],"
                + " got an unknown field"));
    out.add(
        new Case(
            coderConfig("{\"testCmd\":[\"make\",\"test\"]}"),
            "args.config.testCmd: expected a string or absent, got [\"make\",\"test\"]"));
    out.add(
        new Case(
            coderConfig("{\"forbiddenPaths\":\".github/\"}"),
            "args.config.forbiddenPaths: expected an array of paths, got \".github/\""));
    out.add(
        new Case(
            coderConfig("{\"forbiddenPaths\":[1]}"),
            "args.config.forbiddenPaths[0]: expected a non-blank string, got 1"));
    out.add(
        new Case(
            coderConfig("{\"maxDiffLines\":0}"),
            "args.config.maxDiffLines: expected an integer >= 1, got 0"));
    out.add(
        new Case(
            coderConfig("{\"maxDiffLines\":2.5}"),
            "args.config.maxDiffLines: expected an integer >= 1, got 2.5"));
    out.add(
        new Case(
            coderConfig("{\"harnesses\":[]}"),
            "args.config.harnesses: expected a non-empty array of harness names, got []"));
    out.add(
        new Case(
            coderConfig("{\"models\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}"),
            "args.config.models: expected an array of at most 8 model names"));
    out.add(
        new Case(
            coderConfig("{\"maxConcurrency\":9}"),
            "args.config.maxConcurrency: expected an integer in 1..8, got 9"));
    out.add(
        new Case(
            coderConfig("{\"reviewer\":\"./review\"}"),
            "args.config.reviewer: expected {kind: command, cmd} or {kind: model, model}, got"
                + " \"./review\""));
    out.add(
        new Case(
            coderConfig("{\"reviewer\":{\"kind\":\"llm\"}}"),
            "args.config.reviewer.kind: expected 'command' or 'model', got \"llm\""));
    out.add(
        new Case(
            coderConfig("{\"reviewer\":{\"kind\":\"command\"}}"),
            "args.config.reviewer.cmd: expected a non-blank string, got nothing"));
    out.add(
        new Case(
            coderConfig("{\"winner\":\"cheapest\"}"),
            "args.config.winner: expected one of [highest-score, smallest-diff,"
                + " highest-readiness, first-approved], got \"cheapest\""));
    out.add(
        new Case(
            coderConfig("{\"winner\":\"highest-readiness\"}"),
            "args.config.winner: 'highest-readiness' ranks by the reviewer's readiness, so it"
                + " expected args.config.reviewer, got none"));
    out.add(
        new Case(
            research("{\"namespace\":\"notes\"}"),
            "args.question: expected a non-blank string, got nothing"));
    out.add(
        new Case(
            research("{\"question\":\"why?\"}"),
            "args.namespace: expected a non-blank string, got nothing"));
    out.add(
        new Case(
            research("{\"question\":\"why?\",\"namespace\":\"notes\",\"sources\":\"web\"}"),
            "args.sources: expected an array of [corpus, docs, github, twitter, web], got"
                + " \"web\""));
    out.add(
        new Case(
            research("{\"question\":\"why?\",\"namespace\":\"notes\",\"sources\":[\"tv\"]}"),
            "args.sources[0]: expected one of [corpus, docs, github, twitter, web], got \"tv\""));
    out.add(
        new Case(
            research(
                "{\"question\":\"why?\",\"namespace\":\"notes\",\"config\":{\"judges\":{\"kind\":\"model\"}}}"),
            "args.config.judges: expected an array of {kind: command, cmd} or {kind: model,"
                + " model}"));
    out.add(
        new Case(
            research(
                "{\"question\":\"why?\",\"namespace\":\"notes\",\"config\":{\"judges\":[{\"kind\":\"vote\"}]}}"),
            "args.config.judges[0].kind: expected 'command' or 'model', got \"vote\""));
    out.add(
        new Case(
            research(
                "{\"question\":\"why?\",\"namespace\":\"notes\",\"config\":{\"minPassageChars\":0}}"),
            "args.config.minPassageChars: expected an integer >= 1, got 0"));
    out.add(
        new Case(
            "{\"profile\":\"ui-auditor\",\"args\":{\"workspaceDir\":\"w\",\"routes\":[{\"name\":\"home\",\"url\":\"http://localhost:3000/\"}]}}",
            "args.workspaceDir: expected an absolute path, got \"w\""));
    out.add(
        new Case(
            "{\"profile\":\"ui-auditor\",\"args\":{\"workspaceDir\":\"/w\",\"routes\":[]}}",
            "args.routes: expected a non-empty array of {name, url}, got []"));
    out.add(
        new Case(
            "{\"profile\":\"ui-auditor\",\"args\":{\"workspaceDir\":\"/w\",\"routes\":[{\"name\":\"a/b\",\"url\":\"ftp://x\"}]}}",
            "args.routes[0].name: expected a non-blank name without '.', '/', '\\\\' or NUL, got"
                + " \"a/b\"; args.routes[0].url: expected an http or https URL, got \"ftp://x\""));
    out.add(
        new Case(
            "dlg run ümlaut-日本",
            coder(""),
            "workflow id: expected letters, digits, '.', '_' or '-' (at most 180), got 'dlg run"
                + " ümlaut-日本'"));
    return out;
  }

  @Test
  void everyMalformedInput_failsAtOnceAsInvalidDelegationRequestNamingTheField()
      throws IOException {
    List<Case> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(50);
    List<String> rows = new ArrayList<>();
    int n = 0;
    // A fresh test server every 20 runs: its clock jumps ten years after each failed run, and the
    // SDK's latency metric overflows after about 29 such jumps.
    for (int from = 0; from < cases.size(); from += 20) {
      // No activities at all: a refused delegation must not reach a sandbox or the meter.
      try (TemporalHarness harness = new TemporalHarness()) {
        for (Case c : cases.subList(from, Math.min(cases.size(), from + 20))) {
          n++;
          String id = c.id() != null ? c.id() : "dlg-bad-" + n;
          String message = failureOf(harness, id, Json.parse(c.json()));
          assertThat(message).as(c.json()).contains(c.expected());
          String input = (c.id() != null ? "id `" + c.id() + "`, " : "") + "`" + c.json() + "`";
          rows.add(
              "| "
                  + n
                  + " | "
                  + MalformedInputsDoc.cell(input, 130)
                  + " | "
                  + MalformedInputsDoc.cell(message, 10_000)
                  + " |");
        }
      }
    }
    MalformedInputsDoc.writeSection(
        "delegation-json",
        "Delegation inputs (raw JSON)",
        "Written by `MalformedDelegationInputsTest` (workflows), which starts `Delegation` with"
            + " each input as raw JSON on a worker with no activities at all. Every one fails at"
            + " once, before any sandbox is asked for, with the typed, non-retryable"
            + " `InvalidDelegationRequest`.",
        "| # | input (raw JSON) | message |\n|---|---|---|",
        rows);
  }

  private static String failureOf(TemporalHarness harness, String id, JsonNode input) {
    WorkflowStub stub =
        harness
            .client()
            .newUntypedWorkflowStub(
                DelegationWorkflow.TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(TemporalHarness.QUEUE)
                    .build());
    stub.start(input);
    try {
      // Bounded: an input that wedges the workflow task (retried forever) must fail the test.
      stub.getResult(60, TimeUnit.SECONDS, DelegationResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("delegation " + id + " did not end within 60 s for " + input, e);
    } catch (WorkflowFailedException e) {
      ApplicationFailure app = (ApplicationFailure) e.getCause();
      assertThat(app.getType()).isEqualTo(DelegationFailures.INVALID_DELEGATION_REQUEST);
      assertThat(app.isNonRetryable()).isTrue();
      return app.getOriginalMessage();
    }
    throw new AssertionError("delegation " + id + " did not fail for " + input);
  }
}
