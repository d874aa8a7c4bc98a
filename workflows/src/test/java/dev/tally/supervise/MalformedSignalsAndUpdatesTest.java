package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationIds;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.json.Json;
import dev.tally.router.ChatTurnRequest;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.TurnTick;
import dev.tally.testing.MalformedInputsDoc;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Malformed signals and updates, sent as raw JSON to open workflows the way any client may send
 * them: the {@code rate} update refuses each bad rating naming the field and records nothing; a bad
 * {@code feedback} signal (which cannot be refused) is kept out of the record and reported in the
 * status; a {@code cancel} signal cancels whatever it carries. The test writes its section of
 * {@code docs/malformed-inputs.md}.
 */
class MalformedSignalsAndUpdatesTest {
  /** One payload and a fragment of what it must get. */
  record Case(String json, String expected) {}

  static List<Case> badRatings() {
    List<Case> out = new ArrayList<>();
    String notObject =
        "feedback: expected a JSON object (a rating {score, label?, notes?, by?}), got ";
    out.add(new Case("0.8", notObject + "the number"));
    out.add(new Case("\"great\"", notObject + "the string"));
    out.add(new Case("[0.8]", notObject + "a list"));
    out.add(new Case("null", notObject + "null"));
    out.add(new Case("{}", "feedback.score: expected a number in 0..1, got null"));
    out.add(new Case("{\"score\":1.5}", "feedback.score: expected a number in 0..1, got 1.5"));
    out.add(new Case("{\"score\":-0.1}", "feedback.score: expected a number in 0..1, got -0.1"));
    out.add(
        new Case(
            "{\"score\":\"high\"}", "feedback.score: expected a number, got the string \"high\""));
    out.add(new Case("{\"score\":[1]}", "feedback.score: expected a number, got a list [1]"));
    out.add(
        new Case(
            "{\"score\":0.8,\"scroe\":0.9}",
            "feedback.scroe: unknown field; rating {score, label?, notes?, by?} fields are by,"
                + " label, notes, score"));
    out.add(new Case("{\"Score\":0.8}", "feedback.Score: unknown field (did you mean \"score\"?)"));
    out.add(
        new Case(
            "{\"score\":0.8,\"notes\":\"" + "n".repeat(FeedbackRules.MAX_NOTES_CHARS + 1) + "\"}",
            "feedback.notes: expected at most 10000 characters, got 10001"));
    out.add(
        new Case(
            "{\"score\":0.8,\"label\":\"" + "l".repeat(FeedbackRules.MAX_SHORT_CHARS + 1) + "\"}",
            "feedback.label: expected at most 200 characters"));
    out.add(
        new Case(
            "{\"score\":0.8,\"by\":\"" + "b".repeat(FeedbackRules.MAX_SHORT_CHARS + 1) + "\"}",
            "feedback.by: expected at most 200 characters"));
    out.add(
        new Case(
            "{\"score\":0.8,\"notes\":{\"text\":\"ok\"}}",
            "feedback.notes: expected a string, got an object {\"text\":\"ok\"}"));
    return out;
  }

  static List<Case> badDelegationFeedback() {
    List<Case> out = new ArrayList<>();
    out.add(new Case("{}", "feedback.rating: expected {score, label?, notes}, got nothing"));
    out.add(
        new Case(
            "{\"rating\":{\"score\":2}}",
            "feedback.rating.score: expected a number in 0..1, got 2.0"));
    out.add(
        new Case(
            "{\"rating\":{\"score\":\"good\"}}",
            "feedback.rating.score: expected a number, got the string \"good\""));
    out.add(
        new Case(
            "{\"rating\":0.9}",
            "feedback.rating: expected an object (Rating), got the number 0.9"));
    out.add(
        new Case(
            "{\"rating\":{\"score\":0.9,\"note\":\"x\"}}",
            "feedback.rating.note: unknown field; Rating fields are label, notes, score"));
    out.add(
        new Case(
            "{\"rateing\":{\"score\":0.9}}",
            "feedback.rateing: unknown field; feedback {refersTo, rating {score, label?,"
                + " notes?}, by?, capturedAt?} fields are by, capturedAt, rating, refersTo"));
    out.add(new Case("\"good\"", "feedback: expected a JSON object"));
    return out;
  }

  static List<String> oddCancels() {
    return List.of(
        "\"stop now\"", "42", "[1,2]", "{\"reason\":{\"nested\":true}}", "true", "null", "{}");
  }

  @Test
  void everyMalformedSignalOrUpdate_isRefusedOrReportedByName_andCancelAlwaysCancels()
      throws Exception {
    List<String> rows = new ArrayList<>();
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                reached.countDown();
                CoordinationToolsTest.await(release);
                return Scripts.workerAnswer(conversation);
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });
    FakeSandbox sandbox = new FakeSandbox();
    try (TemporalHarness harness = new TemporalHarness(chat, new RecordingMeter(), sandbox)) {
      WorkflowClient client = harness.client();
      harness.start("run-open", Requests.basic("rate me"));
      CoordinationToolsTest.await(reached);
      WorkflowStub run = client.newUntypedWorkflowStub("run-open");

      for (Case c : badRatings()) {
        String message = refusal(run, c.json());
        assertThat(message).as("rate " + c.json()).contains(c.expected());
        rows.add(row(rows, "`SupervisedRun` update `rate`", c.json(), "refused: " + message));
      }
      for (Case c : badRatings()) {
        run.signal("feedback", Json.parse(c.json()));
        RunStatus status = run.query("status", RunStatus.class);
        assertThat(status.lastError()).as("feedback " + c.json()).contains(c.expected());
        assertThat(status.feedback()).as("nothing recorded").isEmpty();
        rows.add(
            row(
                rows,
                "`SupervisedRun` signal `feedback`",
                c.json(),
                "not recorded; `status.lastError`: " + status.lastError()));
      }
      assertThat(run.update("rate", Integer.class, Json.parse("{\"score\":0.8}")))
          .as("a good rating after all the bad ones is the first one held")
          .isEqualTo(1);
      release.countDown();
      run.getResult(30, TimeUnit.SECONDS, RunResult.class);

      String dlg = "dlg-open";
      sandbox.script(DelegationIds.sessionId(dlg, 1), TurnTick.running(0L));
      client
          .newUntypedWorkflowStub(
              DelegationWorkflow.TYPE,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(dlg)
                  .setTaskQueue(TemporalHarness.QUEUE)
                  .build())
          .start(coder().withTiming(3_600_000L, null));
      sandbox.awaitFirstTick();
      WorkflowStub delegation = client.newUntypedWorkflowStub(dlg);
      for (Case c : badDelegationFeedback()) {
        delegation.signal("feedback", Json.parse(c.json()));
        DelegationStatus status = delegation.query("status", DelegationStatus.class);
        assertThat(status.rejectedFeedback()).as("feedback " + c.json()).contains(c.expected());
        assertThat(status.feedback()).as("nothing recorded").isEmpty();
        rows.add(
            row(
                rows,
                "`Delegation` signal `feedback`",
                c.json(),
                "not recorded; `status.rejectedFeedback`: " + status.rejectedFeedback()));
      }
      delegation.signal("cancel", Json.parse("[\"odd\"]"));
      DelegationResult ended = delegation.getResult(30, TimeUnit.SECONDS, DelegationResult.class);
      assertThat(ended.status()).isEqualTo(DelegationStatus.CANCELLED);
      rows.add(
          row(
              rows,
              "`Delegation` signal `cancel`",
              "[\"odd\"]",
              "cancels: status " + ended.status() + " (" + ended.error().message() + ")"));
    }
    for (String payload : oddCancels()) {
      rows.add(cancelRow(rows, payload));
    }
    MalformedInputsDoc.writeSection(
        "signals-updates",
        "Signals and updates (raw JSON to an open workflow)",
        "Written by `MalformedSignalsAndUpdatesTest` (workflows), which sends each payload as raw"
            + " JSON to an open `SupervisedRun` or `Delegation` on the test server. The `rate`"
            + " update refuses a bad rating in its validator, naming the field, and records"
            + " nothing; the `feedback` signal cannot be refused, so a bad rating is kept out of"
            + " the record and reported in the status; `cancel` cancels whatever it carries.",
        "| # | where | payload (raw JSON) | what it gets |\n|---|---|---|---|",
        rows);
  }

  /** The validator's refusal of {@code rate} with {@code json}. */
  private static String refusal(WorkflowStub run, String json) {
    try {
      run.update("rate", Integer.class, Json.parse(json));
    } catch (WorkflowUpdateException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return root instanceof io.temporal.failure.ApplicationFailure app
          ? app.getOriginalMessage()
          : root.getMessage();
    }
    throw new AssertionError("rate " + json + " was accepted");
  }

  /** A run held at its worker's call, cancelled with {@code payload}: it must end cancelled. */
  private static String cancelRow(List<String> rows, String payload) {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                reached.countDown();
                CoordinationToolsTest.await(release);
                return Scripts.workerAnswer(conversation);
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });
    try (TemporalHarness harness = new TemporalHarness(chat, new RecordingMeter())) {
      harness.start("run-cancel", Requests.basic("cancel me oddly"));
      CoordinationToolsTest.await(reached);
      WorkflowStub stub = harness.client().newUntypedWorkflowStub("run-cancel");
      stub.signal("cancel", Json.parse(payload));
      release.countDown();
      RunResult result = stub.getResult(30, TimeUnit.SECONDS, RunResult.class);
      assertThat(result.kind()).as("cancel " + payload).isEqualTo(RunResult.NO_WINNER);
      assertThat(result.reason()).as("cancel " + payload).isEqualTo(RunResult.CANCELLED);
      return row(
          rows,
          "`SupervisedRun` signal `cancel`",
          payload,
          "cancels: " + result.kind() + " " + result.reason());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("cancel " + payload + " did not end the run within 30 s", e);
    }
  }

  private static String row(List<String> rows, String where, String json, String got) {
    return "| "
        + (rows.size() + 1)
        + " | "
        + where
        + " | `"
        + MalformedInputsDoc.cell(json, 90)
        + "` | "
        + MalformedInputsDoc.cell(got, 400)
        + " |";
  }

  private static DelegationRequest coder() {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("goal", "fix the build");
    args.put("repoRoot", "/repo");
    return DelegationRequest.of("coder", (JsonNode) args, null);
  }
}
