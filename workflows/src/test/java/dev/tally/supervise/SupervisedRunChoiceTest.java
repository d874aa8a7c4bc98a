package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Verdict;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnRequest;
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

/**
 * "The best delivered result": the driver's pick, else the judge's highest score, else the first
 * delivered, and the result says which ({@code verdict.source}).
 */
class SupervisedRunChoiceTest {
  private static final String ID = "run-choice";
  private static final String LIVE = "run-live-sub";

  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /** Spawns three chat workers, awaits all three, then stops with {@code stopArgs}. */
  private static ScriptedChat.Script threeWorkersThenStop(List<String> stops, List<JsonNode> seen) {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        return Scripts.workerAnswer(conversation);
      }
      if (ChatTurnRequest.JUDGE.equals(request.role())) {
        return judgeAnswer(conversation);
      }
      List<JsonNode> results = ScriptedChat.toolResults(conversation);
      synchronized (seen) {
        seen.clear();
        seen.addAll(results);
      }
      if (results.isEmpty()) {
        return Scripts.coordinatorTurn(conversation, 3, "chat");
      }
      long settled =
          results.stream().filter(r -> "settled".equals(r.path("type").asText())).count();
      if (settled < 3) {
        return Answer.calls(
            10, 5, "0.0001", ScriptedChat.call("a" + results.size(), "await_event", "{}"));
      }
      int stopIndex = (int) results.stream().filter(r -> r.has("error")).count();
      if (stopIndex >= stops.size()) {
        return Answer.text("done", 10, 5, "0.0001");
      }
      return Answer.calls(
          10, 5, "0.0001", ScriptedChat.call("s" + stopIndex, "stop", stops.get(stopIndex)));
    };
  }

  /** A judge that prefers the answer to the highest part number; bills 30 + 7 tokens. */
  private static Answer judgeAnswer(List<ChatMessage> conversation) {
    String user = conversation.get(conversation.size() - 1).content();
    int part = Integer.parseInt(user.replaceAll("(?s).*answer to part (\\d+).*", "$1"));
    return Answer.text(
        "{\"score\": " + (part / 10.0) + ", \"reason\": \"part " + part + "\"}", 30, 7, "0.0003");
  }

  @Test
  void stopNamingAWinner_notTheFirst_thatWorkerWins_sourceDriver() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            threeWorkersThenStop(
                List.of(
                    "{\"winner\":\"nobody\"}",
                    "{\"winner\":\"" + ID + ":s2\",\"reason\":\"the second is best\"}"),
                seen));
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ID).run(Requests.basic("choose"));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).isEqualTo(ID + ":s2");
    assertThat(result.output()).isEqualTo("answer to part 2");
    assertThat(result.verdict().source()).isEqualTo(Verdict.DRIVER);
    JsonNode unknown = seen.stream().filter(r -> r.has("error")).findFirst().orElseThrow();
    assertThat(unknown.path("error").asText())
        .startsWith("winner: expected a worker that delivered a valid output, one of [")
        .contains("got \"nobody\" (unknown worker)");
  }

  @Test
  void withAJudge_theHigherScoredOutputWins_andTheJudgeIsOnTheLedgerExactly() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat = new ScriptedChat(threeWorkersThenStop(List.of("{}"), seen));
    harness = new TemporalHarness(chat, new RecordingMeter());
    RunRequest request =
        Requests.basic("judge them").withJudge(new JudgeSettings("judge-model", "prefer depth"));

    RunResult result = harness.newRun(ID).run(request);

    assertThat(result.winnerId()).isEqualTo(ID + ":s3");
    assertThat(result.verdict().source()).isEqualTo(Verdict.JUDGE);
    assertThat(result.verdict().score()).isEqualTo(0.3);
    assertThat(result.verdict().notes()).isEqualTo("part 3");
    List<ScriptedChat.Billed> judged =
        chat.billed().stream().filter(b -> b.role().equals(ChatTurnRequest.JUDGE)).toList();
    assertThat(judged).hasSize(3);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).as("judge calls included").isTrue();
    List<LedgerEntry> ledger = LedgerRebuilder.fromHistoryJson(harness.historyJson(ID));
    List<LedgerEntry> judgeEntries =
        ledger.stream().filter(e -> e.id().equals(ID + ":judge")).toList();
    assertThat(judgeEntries).hasSize(3);
    assertThat(LedgerTotals.of(ledger).spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(chat.requests().stream().filter(r -> r.role().equals(ChatTurnRequest.JUDGE)))
        .allSatisfy(r -> assertThat(r.append().get(0).content()).contains("Rubric: prefer depth"));
  }

  @Test
  void withoutDriverOrJudge_theFirstDeliveredWins_sourceFirst() {
    ScriptedChat chat = new ScriptedChat(Scripts.coordinator(2));
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ID).run(Requests.basic("first"));

    assertThat(result.verdict().source()).isEqualTo(Verdict.FIRST);
  }

  @Test
  void everyDriverTurn_carriesTheBudgetLine_andTheConversationNeverStoresIt() {
    ScriptedChat chat = new ScriptedChat(Scripts.coordinator(2));
    harness = new TemporalHarness(chat, new RecordingMeter());

    harness.newRun(ID).run(Requests.basic("budget"));

    List<ChatTurnRequest> turns =
        chat.requests().stream().filter(r -> r.role().equals(ChatTurnRequest.DRIVER)).toList();
    assertThat(turns).isNotEmpty();
    assertThat(turns).allSatisfy(t -> assertThat(t.budgetLine()).startsWith(BudgetLine.PREFIX));
    assertThat(turns.get(0).budgetLine())
        .contains("tokensLeft=100000/100000")
        .contains("iterationsLeft=10/10")
        .contains("usdLeft=uncapped")
        .contains("liveWorkers=0")
        .contains("perWorker=5000 tokens/1 iterations")
        .contains("deadlineIn=none")
        .contains("turn=0/16");
    // The second turn sees the first turn's spend and the two workers' reservations.
    long afterFirst = 100_000 - Scripts.DRIVER_IN - Scripts.DRIVER_OUT - 2 * 5_000;
    assertThat(turns.get(1).budgetLine()).contains("tokensLeft=" + afterFirst + "/100000");
    for (ChatTurnRequest t : turns) {
      assertThat(t.append()).noneMatch(m -> m.content().contains(BudgetLine.PREFIX));
    }
  }

  @Test
  void spawnDriverWithoutBudget_defaultFundsAChild_tooSmallABudgetIsRefusedWithWhatWouldDo() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                return Scripts.workerAnswer(conversation);
              }
              if (request.nodeId().equals(ID + ":s1")) {
                // The nested driver, on its default budget, funds one child of its own.
                return Scripts.coordinatorTurn(conversation, 1, "chat");
              }
              List<JsonNode> results = ScriptedChat.toolResults(conversation);
              synchronized (seen) {
                seen.clear();
                seen.addAll(results);
              }
              if (results.isEmpty()) {
                return Answer.calls(
                    10,
                    5,
                    "0.0001",
                    ScriptedChat.call(
                        "d", "spawn_worker", "{\"profile\":\"driver\",\"task\":\"sub-goal\"}"),
                    ScriptedChat.call(
                        "t",
                        "spawn_worker",
                        "{\"profile\":\"driver\",\"task\":\"starved\","
                            + "\"budget\":{\"maxTokens\":5000,\"maxIterations\":1}}"));
              }
              long settled =
                  results.stream().filter(r -> "settled".equals(r.path("type").asText())).count();
              if (settled < 1) {
                return Answer.calls(
                    10, 5, "0.0001", ScriptedChat.call("a" + results.size(), "await_event", "{}"));
              }
              return Answer.calls(10, 5, "0.0001", ScriptedChat.call("x", "stop", "{}"));
            });
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ID).run(Requests.basic("nest"));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).isEqualTo(ID + ":s1");
    LedgerView nested =
        harness.client().newWorkflowStub(WorkerTaskWorkflow.class, ID + ":s1").ledger();
    assertThat(nested.entries())
        .anyMatch(e -> e instanceof LedgerEntry.Spawned s && s.id().equals(ID + ":s1:s1"));
    LedgerEntry.Spawned sub =
        LedgerRebuilder.fromHistoryJson(harness.historyJson(ID)).stream()
            .filter(e -> e instanceof LedgerEntry.Spawned s && s.id().equals(ID + ":s1"))
            .map(LedgerEntry.Spawned.class::cast)
            .findFirst()
            .orElseThrow();
    Budget perWorker = Requests.basic("nest").perWorker();
    assertThat(sub.budget().tokens()).isGreaterThan(2 * perWorker.tokens());
    assertThat(sub.budget().iterations()).isEqualTo(2 * perWorker.iterations());
    JsonNode refused = seen.get(1);
    assertThat(refused.path("error").asText()).isEqualTo(MinimumCall.DRIVER_CANNOT_FUND_A_CHILD);
    assertThat(refused.path("minimum").path("tokens").asLong()).isGreaterThan(perWorker.tokens());
    assertThat(refused.path("why").asText()).contains("at least one default worker");
  }

  @Test
  void spawnRefusedForBudget_saysWhatWouldFit() {
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              List<JsonNode> results = ScriptedChat.toolResults(conversation);
              synchronized (seen) {
                seen.clear();
                seen.addAll(results);
              }
              if (results.isEmpty()) {
                return Answer.calls(
                    10,
                    5,
                    "0.0001",
                    ScriptedChat.call(
                        "c",
                        "spawn_worker",
                        "{\"profile\":\"chat\",\"task\":\"big\",\"budget\":{\"maxTokens\":900000}}"));
              }
              return Answer.text("done", 10, 5, "0.0001");
            });
    harness = new TemporalHarness(chat, new RecordingMeter());

    harness.newRun(ID).run(Requests.basic("fit"));

    JsonNode refusal = seen.get(0);
    assertThat(refusal.path("error").asText()).isEqualTo("budget-exhausted");
    assertThat(refusal.path("wouldFit").path("maxTokens").asLong()).isEqualTo(100_000 - 15);
    assertThat(refusal.path("wouldFit").path("maxIterations").asLong()).isEqualTo(10);
  }

  @Test
  void liveSubDriver_spendSoFarVisibleThroughObserveWorker_beforeItSettles() {
    java.util.concurrent.atomic.AtomicBoolean observed =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<JsonNode> seen = new ArrayList<>();
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                // The sub-driver's child answers only once the root has seen the sub-driver's
                // spend.
                while (!observed.get()) {
                  io.temporal.activity.Activity.getExecutionContext().heartbeat(null);
                  CoordinationToolsTest.sleep(50);
                }
                return Scripts.workerAnswer(conversation);
              }
              if (request.nodeId().equals(LIVE + ":s1")) {
                return Scripts.coordinatorTurn(conversation, 1, "chat");
              }
              List<JsonNode> results = ScriptedChat.toolResults(conversation);
              if (results.isEmpty()) {
                return Answer.calls(
                    10,
                    5,
                    "0.0001",
                    ScriptedChat.call(
                        "d", "spawn_worker", "{\"profile\":\"driver\",\"task\":\"sub-goal\"}"));
              }
              JsonNode last = results.get(results.size() - 1);
              if (last.has("spentSoFar") && !observed.get()) {
                synchronized (seen) {
                  seen.add(last);
                }
                observed.set(true);
              }
              if (!observed.get()) {
                CoordinationToolsTest.sleep(20);
                return Answer.calls(
                    10,
                    5,
                    "0.0001",
                    ScriptedChat.call(
                        "o" + request.turn(),
                        "observe_worker",
                        "{\"workerId\":\"" + LIVE + ":s1\"}"));
              }
              if (!"settled".equals(last.path("type").asText())) {
                return Answer.calls(
                    10, 5, "0.0001", ScriptedChat.call("a" + request.turn(), "await_event", "{}"));
              }
              return Answer.calls(10, 5, "0.0001", ScriptedChat.call("x", "stop", "{}"));
            });
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    RunRequest request = Requests.withMaxTurns(Requests.basic("watch the sub-driver"), 300);

    RunResult result = harness.newRun(LIVE).run(request);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(seen).hasSize(1);
    JsonNode live = seen.get(0);
    assertThat(live.path("status").asText()).isEqualTo("live");
    assertThat(live.path("spentSoFar").path("inputTokens").asLong())
        .as("the sub-driver's own turns so far")
        .isGreaterThanOrEqualTo(Scripts.DRIVER_IN);
    assertThat(live.path("turns").asInt()).isGreaterThanOrEqualTo(1);
    dev.tally.testing.HistoryCapture.save(LIVE, harness.client().fetchHistory(LIVE));
    dev.tally.testing.HistoryCapture.save(
        LIVE + "_s1", harness.client().fetchHistory(LIVE + ":s1"));
  }
}
