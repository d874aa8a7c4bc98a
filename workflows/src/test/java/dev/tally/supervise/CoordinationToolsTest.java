package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.ToolCall;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver's tools, through a real run: results and errors come back to the driver as data. */
class CoordinationToolsTest {
  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /**
   * A driver that makes the given calls, one turn each, then stops; it keeps every tool result it
   * sees so the test can read them.
   */
  private static ScriptedChat.Script driverMaking(List<JsonNode> seen, ToolCall... turns) {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        return Scripts.workerAnswer(conversation);
      }
      List<JsonNode> results = ScriptedChat.toolResults(conversation);
      synchronized (seen) {
        seen.clear();
        seen.addAll(results);
      }
      int t = request.turn();
      if (t < turns.length) {
        return Answer.calls(10, 5, "0.0001", turns[t]);
      }
      return Answer.text("finished", 10, 5, "0.0001");
    };
  }

  private RunResult run(String id, RunRequest request, ScriptedChat chat) {
    harness = new TemporalHarness(chat, new RecordingMeter());
    return harness.newRun(id).run(request);
  }

  @Test
  void spawn_overBudget_refusalListsEveryShortChannelAsData() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            driverMaking(
                seen,
                ScriptedChat.call(
                    "c1",
                    "spawn_worker",
                    "{\"profile\":\"chat\",\"task\":\"big\","
                        + "\"budget\":{\"maxTokens\":500000,\"maxIterations\":50}}")));

    RunResult result = run("run-refuse", Requests.basic("refuse"), chat);

    JsonNode refusal = seen.get(0);
    assertThat(refusal.path("error").asText()).isEqualTo("budget-exhausted");
    assertThat(refusal.path("shortfalls")).hasSize(2);
    assertThat(refusal.path("shortfalls").get(0).path("channel").asText()).isEqualTo("tokens");
    assertThat(refusal.path("shortfalls").get(0).path("requested").asLong()).isEqualTo(500_000);
    assertThat(refusal.path("shortfalls").get(0).path("free").asLong()).isEqualTo(100_000 - 15);
    assertThat(refusal.path("shortfalls").get(1).path("channel").asText()).isEqualTo("iterations");
    assertThat(refusal.path("shortfalls").get(1).path("free").asLong()).isEqualTo(10);
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(harness.existing("run-refuse").ledger().entries())
        .noneMatch(e -> e instanceof LedgerEntry.Spawned);
  }

  @Test
  void spawn_dollarsFromUncappedPool_refusedAsUsdUnbudgeted() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            driverMaking(
                seen,
                ScriptedChat.call(
                    "c1",
                    "spawn_worker",
                    "{\"profile\":\"chat\",\"task\":\"x\",\"budget\":{\"maxUsd\":1}}")));

    run("run-unbudgeted", Requests.basic("dollars"), chat);

    assertThat(seen.get(0).path("error").asText()).isEqualTo("usd-unbudgeted");
  }

  @Test
  void unknownTool_answersErrorDataAndRunContinues() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(driverMaking(seen, ScriptedChat.call("x", "launch_rockets", "{}")));

    RunResult result = run("run-unknown", Requests.basic("tools"), chat);

    assertThat(seen.get(0).path("error").asText()).isEqualTo("unknown tool: launch_rockets");
    assertThat(chat.billed()).hasSize(2);
    assertThat(result.spentTotal().tokens()).isEqualTo(30);
  }

  @Test
  void spawn_missingProfile_errorNamesTheField() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            driverMaking(seen, ScriptedChat.call("c", "spawn_worker", "{\"task\":\"t\"}")));

    run("run-noprofile", Requests.basic("bad args"), chat);

    assertThat(seen.get(0).path("error").asText())
        .startsWith("profile: expected a non-empty string, got nothing");
  }

  @Test
  void spawn_unknownProfile_errorListsAllowedProfiles() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            driverMaking(
                seen,
                ScriptedChat.call("c", "spawn_worker", "{\"profile\":\"wizard\",\"task\":\"t\"}")));

    run("run-wizard", Requests.basic("bad profile"), chat);

    assertThat(seen.get(0).path("error").asText())
        .isEqualTo("profile: expected one of [chat, driver], got \"wizard\"");
  }

  @Test
  void spawn_overLiveWorkerCap_refusedBeforeAnyReservation() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                return Scripts.workerAnswer(conversation);
              }
              synchronized (seen) {
                seen.clear();
                seen.addAll(ScriptedChat.toolResults(conversation));
              }
              if (request.turn() == 0) {
                return Answer.calls(
                    10,
                    5,
                    "0.0001",
                    ScriptedChat.call("a", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"a\"}"),
                    ScriptedChat.call(
                        "b", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"b\"}"));
              }
              return Answer.calls(10, 5, "0.0001", ScriptedChat.call("s", "stop", "{}"));
            });

    run("run-live", Requests.withMaxLiveWorkers(Requests.basic("cap"), 1), chat);

    assertThat(seen.get(0).path("workerId").asText()).isEqualTo("run-live:s1");
    assertThat(seen.get(1).path("error").asText()).isEqualTo("max-live-workers");
    assertThat(harness.existing("run-live").ledger().entries())
        .filteredOn(e -> e instanceof LedgerEntry.Spawned)
        .hasSize(1);
  }

  @Test
  void observeWorker_afterSettlement_showsStatusSpendAndOutput() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            driverMaking(
                seen,
                ScriptedChat.call("c", "spawn_worker", "{\"profile\":\"chat\",\"task\":\"look\"}"),
                ScriptedChat.call("a", "await_event", "{}"),
                ScriptedChat.call("o", "observe_worker", "{\"workerId\":\"run-observe:s1\"}"),
                ScriptedChat.call("u", "observe_worker", "{\"workerId\":\"nobody\"}")));

    RunResult result = run("run-observe", Requests.basic("observe"), chat);

    JsonNode settled = seen.get(1);
    assertThat(settled.path("type").asText()).isEqualTo("settled");
    assertThat(settled.path("status").asText()).isEqualTo("done");
    assertThat(settled.path("valid").asBoolean()).isTrue();
    assertThat(settled.path("score").asDouble()).isEqualTo(1.0);
    JsonNode observed = seen.get(2);
    assertThat(observed.path("status").asText()).isEqualTo("done");
    assertThat(observed.path("output").asText()).isEqualTo("answer to look");
    assertThat(observed.path("spent").path("inputTokens").asLong()).isEqualTo(Scripts.WORKER_IN);
    assertThat(seen.get(3).path("error").asText()).isEqualTo("unknown workerId \"nobody\"");
    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
  }

  @Test
  void steerWorker_live_instructionReachesItsNextCall() throws Exception {
    CountDownLatch steered = new CountDownLatch(1);
    List<List<ChatMessage>> workerAppends = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                synchronized (workerAppends) {
                  workerAppends.add(request.append());
                }
                if (request.turn() == 0) {
                  await(steered);
                  return Answer.text("", 5, 0, "0.0001");
                }
                return Answer.text("steered answer", 5, 5, "0.0001");
              }
              List<JsonNode> results = ScriptedChat.toolResults(conversation);
              return switch (request.turn()) {
                case 0 ->
                    Answer.calls(
                        10,
                        5,
                        "0.0001",
                        ScriptedChat.call(
                            "c",
                            "spawn_worker",
                            "{\"profile\":\"chat\",\"task\":\"t\",\"budget\":{\"maxIterations\":2}}"));
                case 1 ->
                    Answer.calls(
                        10,
                        5,
                        "0.0001",
                        ScriptedChat.call(
                            "s",
                            "steer_worker",
                            "{\"workerId\":\"run-steer:s1\",\"instruction\":\"be brief\"}"));
                case 2 -> {
                  assertThat(results.get(1).path("delivered").asBoolean()).isTrue();
                  steered.countDown();
                  yield Answer.calls(10, 5, "0.0001", ScriptedChat.call("a", "await_event", "{}"));
                }
                default -> Answer.calls(10, 5, "0.0001", ScriptedChat.call("x", "stop", "{}"));
              };
            });

    RunResult result =
        run(
            "run-steer",
            Requests.withBudget(
                Requests.basic("steer"), Budget.of(10, 100_000), Budget.of(1, 5_000)),
            chat);

    assertThat(result.output()).isEqualTo("steered answer");
    assertThat(workerAppends).hasSize(2);
    assertThat(workerAppends.get(1)).extracting(ChatMessage::content).contains("be brief");
    assertThat(result.spentBreakdown().childWork().iterations()).isEqualTo(2);
  }

  @Test
  void cancelWorker_midCall_settlesAsCancelledWithWhatItSpent() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                sleep(800);
                return Answer.text("", 7, 0, "0.0002");
              }
              synchronized (seen) {
                seen.clear();
                seen.addAll(ScriptedChat.toolResults(conversation));
              }
              return switch (request.turn()) {
                case 0 ->
                    Answer.calls(
                        10,
                        5,
                        "0.0001",
                        ScriptedChat.call(
                            "c",
                            "spawn_worker",
                            "{\"profile\":\"chat\",\"task\":\"t\",\"budget\":{\"maxIterations\":3}}"));
                case 1 ->
                    Answer.calls(
                        10,
                        5,
                        "0.0001",
                        ScriptedChat.call(
                            "k",
                            "cancel_worker",
                            "{\"workerId\":\"run-cw:s1\",\"reason\":\"enough\"}"));
                default -> Answer.text("done", 10, 5, "0.0001");
              };
            });

    RunResult result = run("run-cw", Requests.basic("cancel one"), chat);

    JsonNode cancelled = seen.get(1);
    assertThat(cancelled.path("cancelled").asBoolean()).isTrue();
    assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.path("spent").path("inputTokens").asLong()).isEqualTo(7);
    LedgerEntry.Cancelled entry =
        harness.existing("run-cw").ledger().entries().stream()
            .filter(e -> e instanceof LedgerEntry.Cancelled)
            .map(LedgerEntry.Cancelled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(entry.reason()).isEqualTo("enough");
    assertThat(entry.spent().inputTokens()).isEqualTo(7);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
  }

  @Test
  void awaitEvent_nothingWithinFence_answersPendingWithLiveWorkers() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                // Outlasts the 15 s fence; activities run in real time under time skipping. It
                // heartbeats as the real RouterChat does while it waits on the router.
                long until = System.currentTimeMillis() + Policies.AWAIT_FENCE.toMillis() + 1_500;
                while (System.currentTimeMillis() < until) {
                  sleep(250);
                  io.temporal.activity.Activity.getExecutionContext().heartbeat(null);
                }
                return Scripts.workerAnswer(conversation);
              }
              synchronized (seen) {
                seen.clear();
                seen.addAll(ScriptedChat.toolResults(conversation));
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });

    RunResult result = run("run-pending", Requests.basic("slow"), chat);

    assertThat(seen.get(1).path("pending").asBoolean()).isTrue();
    assertThat(seen.get(1).path("live").get(0).path("id").asText()).isEqualTo("run-pending:s1");
    assertThat(seen).anyMatch(r -> "settled".equals(r.path("type").asText()));
    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
