package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.router.ToolSpec;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.TemporalHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The worker-kind seam: every kind, with the shape of its task, reaches the model through the
 * {@code spawn_worker} schema and the driver's prompt, and a kind that cannot be steered says so.
 */
class WorkerKindsTest {
  @Test
  void spawnSchema_namesEveryKindWithItsTaskShape() {
    ToolSpec spawn =
        Toolsets.named(Toolsets.COORDINATION).stream()
            .filter(t -> t.name().equals(Toolsets.SPAWN_WORKER))
            .findFirst()
            .orElseThrow();
    JsonNode profile = spawn.parameters().path("properties").path("profile");
    List<String> names = new ArrayList<>();
    profile.path("enum").forEach(n -> names.add(n.asText()));

    assertThat(names).containsExactly("chat", "driver", "sandbox");
    assertThat(names).isEqualTo(WorkerProfiles.KNOWN);
    for (WorkerKind k : WorkerKinds.ALL) {
      assertThat(profile.path("description").asText())
          .contains(k.name() + ": " + k.description())
          .contains(k.taskShape());
    }
    assertThat(profile.path("description").asText()).contains("\"profile\": \"coder\"");
  }

  @Test
  void driverPrompt_listsTheKindsTheRunAllows() {
    String prompt = Prompts.driver(List.of("chat", "sandbox"));

    assertThat(prompt).contains("- chat: ").contains("- sandbox: ").doesNotContain("- driver: ");
    assertThat(prompt).contains(new SandboxKind().taskShape());
  }

  @Test
  void steerWorker_nestedDriver_instructionReachesItsNextTurn() {
    CountDownLatch steered = new CountDownLatch(1);
    List<JsonNode> steerResults = new ArrayList<>();
    List<String> nestedSecondTurn = new ArrayList<>();
    List<String> firstDriverPrompt = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              boolean nested = request.nodeId().endsWith(":s1");
              if (nested && request.turn() == 0) {
                // The nested driver's first turn ends only once its parent has steered it.
                CoordinationToolsTest.await(steered);
                return Answer.calls(10, 5, "0.0001", ScriptedChat.call("n", "await_event", "{}"));
              }
              if (nested) {
                synchronized (nestedSecondTurn) {
                  request
                      .append()
                      .forEach(m -> nestedSecondTurn.add(m.role() + ": " + m.content()));
                }
                return Answer.text("nothing to coordinate", 5, 5, "0.0001");
              }
              List<JsonNode> results = ScriptedChat.toolResults(conversation);
              switch (request.turn()) {
                case 0 -> {
                  firstDriverPrompt.add(conversation.get(0).content());
                  return Answer.calls(
                      10,
                      5,
                      "0.0001",
                      ScriptedChat.call(
                          "c",
                          "spawn_worker",
                          "{\"profile\":\"driver\",\"task\":\"sub\","
                              + "\"budget\":{\"maxTokens\":20000,\"maxIterations\":2}}"));
                }
                case 1 -> {
                  return Answer.calls(
                      10,
                      5,
                      "0.0001",
                      ScriptedChat.call(
                          "s",
                          "steer_worker",
                          "{\"workerId\":\"run-steer-driver:s1\",\"instruction\":\"hurry\"}"));
                }
                case 2 -> {
                  steerResults.add(results.get(results.size() - 1));
                  steered.countDown();
                  return Answer.calls(10, 5, "0.0001", ScriptedChat.call("a", "await_event", "{}"));
                }
                default -> {
                  return Answer.calls(10, 5, "0.0001", ScriptedChat.call("x", "stop", "{}"));
                }
              }
            });
    try (TemporalHarness harness = new TemporalHarness(chat, new RecordingMeter())) {
      harness
          .newRun("run-steer-driver")
          .run(
              Requests.withBudget(
                  Requests.basic("steer a driver"), Budget.of(10, 100_000), Budget.of(1, 5_000)));
    }

    assertThat(steerResults).hasSize(1);
    assertThat(steerResults.get(0).path("delivered").asBoolean()).isTrue();
    assertThat(nestedSecondTurn)
        .contains("user: Instruction from the driver that spawned you: hurry");
    assertThat(firstDriverPrompt.get(0)).isEqualTo(Prompts.driver(List.of("chat", "driver")));
  }

  @Test
  void sandboxKind_takesNoSteering_andChecksItsTask() {
    SandboxKind sandbox = new SandboxKind();

    assertThat(sandbox.notSteerable()).isNotBlank();
    assertThat(new ChatKind().notSteerable()).isNull();
    assertThat(new DriverKind().notSteerable()).isNull();
    assertThat(sandbox.taskProblem(dev.tally.json.Json.parse("\"just text\"")))
        .startsWith("task: expected {\"profile\": \"coder\"|\"researcher\"");
    assertThat(sandbox.firstCallTokens(null, null)).isZero();
  }
}
