package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.router.ChatTurnRequest;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.SessionRequest;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.TurnUsage;
import dev.tally.sandbox.ValidationReport;
import dev.tally.testing.HistoryCapture;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.TemporalHarness;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sandbox workers: a driver spawns coding workers and keeps the validated best. */
class SandboxWorkerTest {
  private static final String RUN = "run-sb";
  private static final String CODER_TASK =
      "{\"profile\":\"coder\",\"args\":{\"goal\":\"fix it\",\"repoRoot\":\"/repo\","
          + "\"config\":{\"testCmd\":\"make test\",\"maxDiffLines\":50}}}";

  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  private static RunRequest withSandbox(RunRequest r) {
    return new RunRequest(
        r.task(),
        r.budget(),
        r.perWorker(),
        r.maxTurns(),
        r.maxDepth(),
        r.maxLiveWorkers(),
        r.driver(),
        List.of(WorkerProfiles.CHAT, WorkerProfiles.SANDBOX),
        r.evalRun());
  }

  /** Spawns two coder workers, awaits both, stops; remembers every tool result. */
  private static ScriptedChat driver(List<JsonNode> seen, String task) {
    return new ScriptedChat(
        (request, conversation) -> {
          if (ChatTurnRequest.WORKER.equals(request.role())) {
            throw new IllegalStateException("no chat workers in this test");
          }
          List<JsonNode> results = ScriptedChat.toolResults(conversation);
          synchronized (seen) {
            seen.clear();
            seen.addAll(results);
          }
          if (results.isEmpty()) {
            String args = "{\"profile\":\"sandbox\",\"task\":" + task + "}";
            return Answer.calls(
                10,
                5,
                "0.0001",
                ScriptedChat.call("a", "spawn_worker", args),
                ScriptedChat.call("b", "spawn_worker", args),
                ScriptedChat.call(
                    "c", "steer_worker", "{\"workerId\":\"run-sb:s1\",\"instruction\":\"go\"}"));
          }
          long settled = results.stream().filter(r -> r.has("type")).count();
          if (settled < 2 && results.stream().noneMatch(r -> r.has("error"))) {
            return Answer.calls(10, 5, "0.0001", ScriptedChat.call("w", "await_event", "{}"));
          }
          return Answer.text("done", 10, 5, "0.0001");
        });
  }

  @Test
  void sandboxWorkers_oneValidOneRefused_validatedPatchWinsAndBothBoxesReleased() {
    List<JsonNode> seen = new ArrayList<>();
    FakeSandbox sandbox =
        new FakeSandbox()
            .script(
                "run-sb.s1",
                TurnTick.running(1_000L),
                TurnTick.completed(
                    "patched", null, new TurnUsage(300, 200, new BigDecimal("0.02"), "agent")))
            .script(
                "run-sb.s2",
                TurnTick.completed(
                    "patched badly", null, new TurnUsage(100, 50, new BigDecimal("0.01"), "agent")))
            .settleWith(
                r ->
                    r.sessionId().equals("run-sb.s1")
                        ? new ValidationReport(
                            true,
                            "diff --git a/x b/x\n+fixed\n",
                            "base",
                            List.of("x"),
                            1,
                            List.of(),
                            List.of())
                        : new ValidationReport(
                            false,
                            null,
                            "base",
                            List.of(".env"),
                            1,
                            List.of(),
                            List.of("forbidden path .env")));
    harness = new TemporalHarness(driver(seen, CODER_TASK), new RecordingMeter(), sandbox);

    RunResult result = harness.newRun(RUN).run(withSandbox(Requests.basic("code it")));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).isEqualTo(RUN + ":s1");
    JsonNode steer = seen.get(2);
    assertThat(steer.path("delivered").asBoolean(true)).as(steer.toString()).isFalse();
    assertThat(steer.path("reason").asText()).isEqualTo(new SandboxKind().notSteerable());
    JsonNode change = Json.parse(result.output());
    assertThat(change.path("patch").asText()).contains("+fixed");
    assertThat(change.path("sessionRef").asText()).contains("session=run-sb.s1");
    assertThat(result.downCount()).isEqualTo(1);
    LedgerEntry.Settled refused =
        harness.existing(RUN).ledger().entries().stream()
            .filter(e -> e instanceof LedgerEntry.Settled s && s.id().equals(RUN + ":s2"))
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(refused.status()).isEqualTo("down");
    assertThat(refused.reason()).contains("forbidden path .env");
    assertThat(refused.outRef()).isNull();
    assertThat(refused.spent().usd()).isEqualByComparingTo("0.01");
    assertThat(sandbox.releases())
        .extracting(SessionRequest::sessionId)
        .containsExactlyInAnyOrder("run-sb.s1", "run-sb.s2");
    assertThat(result.spentBreakdown().childWork().usd()).isEqualByComparingTo("0.03");
    HistoryCapture.save(RUN, harness.client().fetchHistory(RUN));
    HistoryCapture.save(RUN.replace(':', '_') + "_s1", harness.client().fetchHistory(RUN + ":s1"));
  }

  @Test
  void spawnSandbox_taskMissingGoal_refusedAsDataBeforeReserving() {
    List<JsonNode> seen = new ArrayList<>();
    FakeSandbox sandbox = new FakeSandbox();
    harness =
        new TemporalHarness(
            driver(seen, "{\"profile\":\"coder\",\"args\":{\"repoRoot\":\"/repo\"}}"),
            new RecordingMeter(),
            sandbox);

    RunResult result = harness.newRun(RUN).run(withSandbox(Requests.basic("bad task")));

    assertThat(seen.get(0).path("error").asText()).startsWith("task: ").contains("goal");
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(harness.existing(RUN).ledger().entries())
        .noneMatch(e -> e instanceof LedgerEntry.Spawned);
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void runCancelled_sandboxWorkersMidTurn_sessionsCancelledAndBoxesReleased() throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    FakeSandbox sandbox =
        new FakeSandbox()
            .script("run-sb.s1", TurnTick.running(1_000L))
            .script("run-sb.s2", TurnTick.running(1_000L));
    harness = new TemporalHarness(driver(seen, CODER_TASK), new RecordingMeter(), sandbox);
    SupervisedRunWorkflow run = harness.start(RUN, withSandbox(Requests.basic("cancel boxes")));
    sandbox.awaitFirstTick();
    // Cancel once both turns sit in their timers: the 1.38 test server can lose a workflow task
    // when a cancel lands just as an activity completes.
    awaitRunning(RUN + ":s1");
    awaitRunning(RUN + ":s2");

    run.cancel(new CancelRequest("stop the boxes"));
    RunResult result = io.temporal.client.WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(result.reason()).isEqualTo(RunResult.CANCELLED);
    assertThat(sandbox.cancels())
        .extracting(SessionRequest::sessionId)
        .containsExactlyInAnyOrder("run-sb.s1", "run-sb.s2");
    assertThat(sandbox.releases())
        .extracting(SessionRequest::sessionId)
        .containsExactlyInAnyOrder("run-sb.s1", "run-sb.s2");
    assertThat(harness.existing(RUN).status().pool().openReservations()).isZero();
  }

  private void awaitRunning(String workerId) throws InterruptedException {
    WorkerTaskWorkflow worker =
        harness.client().newWorkflowStub(WorkerTaskWorkflow.class, workerId);
    String phase = "";
    for (int i = 0; i < 200 && !phase.startsWith("detached-running"); i++) {
      try {
        phase = worker.status().phase();
      } catch (RuntimeException notStartedYet) {
        phase = "";
      }
      if (!phase.startsWith("detached-running")) {
        Thread.sleep(50);
      }
    }
    assertThat(phase).as(workerId).startsWith("detached-running");
  }
}
