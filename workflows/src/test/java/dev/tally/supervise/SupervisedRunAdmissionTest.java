package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission before every call: what a node cannot pay for is never sent. */
class SupervisedRunAdmissionTest {
  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /** Turn 0 asks for {@code spawns} spawns with {@code args}; turn 1 ends the loop. */
  private static ScriptedChat flood(int spawns, String args) {
    return new ScriptedChat(
        (request, conversation) -> {
          if (ChatTurnRequest.WORKER.equals(request.role())) {
            return Scripts.workerAnswer(conversation);
          }
          if (request.turn() > 0) {
            return Answer.text("done", 10, 5, "0.0001");
          }
          List<ToolCall> calls = new ArrayList<>();
          for (int i = 0; i < spawns; i++) {
            calls.add(ScriptedChat.call("c" + i, "spawn_worker", args));
          }
          calls.add(ScriptedChat.call("w", "await_event", "{}"));
          return Answer.calls(10, 5, "0.0001", calls.toArray(ToolCall[]::new));
        });
  }

  @Test
  void spawnFlood_oneTokenZeroIterationBudgets_everySpawnRefusedAndNoWorkerCalls() {
    ScriptedChat chat =
        flood(
            200,
            "{\"profile\":\"chat\",\"task\":\"x\",\"budget\":{\"maxTokens\":1,\"maxIterations\":0}}");
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun("run-flood").run(Requests.basic("flood"));

    assertThat(chat.billed()).allMatch(b -> ChatTurnRequest.DRIVER.equals(b.role()));
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.spentTotal().iterations()).isZero();
    List<JsonNode> tools = toolResultsOfSecondTurn(chat);
    assertThat(tools).hasSize(201);
    assertThat(tools.subList(0, 200))
        .allSatisfy(
            r -> {
              assertThat(r.path("error").asText()).isEqualTo(MinimumCall.BELOW_MINIMUM_CALL);
              assertThat(r.path("minimum").path("iterations").asLong()).isEqualTo(1);
              assertThat(r.path("minimum").path("tokens").asLong()).isGreaterThan(1);
              assertThat(r.path("requested").path("tokens").asLong()).isEqualTo(1);
            });
  }

  @Test
  void zeroIterationRoot_zeroPerWorker_noWorkerCallAndNoIterationSpent() {
    // The issue's `tally run --max-iterations 0 --per-worker-iterations 0 --per-worker-tokens 0
    // --max-tokens 1000`: it used to end WINNER after three worker calls.
    ScriptedChat chat = flood(3, "{\"profile\":\"chat\",\"task\":\"x\"}");
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.withBudget(Requests.basic("hi"), Budget.of(0, 1_000), Budget.of(0, 0));

    RunResult result = harness.newRun("run-zero").run(request);

    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.spentTotal().iterations()).isZero();
    assertThat(chat.billed()).allMatch(b -> ChatTurnRequest.DRIVER.equals(b.role()));
  }

  @Test
  void everyCall_carriesWhatItsNodeCanStillPayFor() {
    ScriptedChat chat =
        flood(
            1,
            "{\"profile\":\"chat\",\"task\":\"x\",\"budget\":{\"maxTokens\":3000,\"maxIterations\":2}}");
    harness = new TemporalHarness(chat, new RecordingMeter());

    harness.newRun("run-allowance").run(Requests.basic("allowance"));

    List<ChatTurnRequest> driver =
        chat.requests().stream().filter(r -> ChatTurnRequest.DRIVER.equals(r.role())).toList();
    List<ChatTurnRequest> worker =
        chat.requests().stream().filter(r -> ChatTurnRequest.WORKER.equals(r.role())).toList();
    // The root has 100,000 tokens; turn 0 billed 15, then the spawn reserved 3,000.
    assertThat(driver.get(0).tokenAllowance()).isEqualTo(100_000);
    assertThat(driver.get(1).tokenAllowance()).isEqualTo(100_000 - 15 - 3_000 + (3_000 - 120));
    assertThat(worker.get(0).tokenAllowance()).isEqualTo(3_000);
    assertThat(driver).allMatch(r -> r.usdAllowance() == null);
  }

  private static List<JsonNode> toolResultsOfSecondTurn(ScriptedChat chat) {
    ChatTurnRequest second =
        chat.requests().stream()
            .filter(r -> ChatTurnRequest.DRIVER.equals(r.role()) && r.turn() == 1)
            .findFirst()
            .orElseThrow();
    List<JsonNode> out = new ArrayList<>();
    second.append().stream()
        .filter(m -> "tool".equals(m.role()))
        .forEach(m -> out.add(dev.tally.json.Json.parse(m.content())));
    return out;
  }
}
