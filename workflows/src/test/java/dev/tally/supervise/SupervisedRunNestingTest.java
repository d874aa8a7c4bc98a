package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nested drivers: every token is counted exactly once at every depth. */
class SupervisedRunNestingTest {
  private static final String ROOT = "run-nest";
  private static final String SUB_DRIVER_BUDGET = "{\"maxIterations\":6,\"maxTokens\":50000}";

  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  /** Root spawns one sub-driver; the sub-driver spawns two chat workers; both await and stop. */
  private static ScriptedChat.Script twoLevels() {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        return Scripts.workerAnswer(conversation);
      }
      boolean root = request.nodeId().equals(ROOT);
      return root
          ? Scripts.coordinatorTurn(conversation, 1, "driver", SUB_DRIVER_BUDGET)
          : Scripts.coordinatorTurn(conversation, 2, "chat");
    };
  }

  private static dev.tally.supervise.RunRequest nestedRequest() {
    return Requests.withBudget(
        Requests.basic("nested work"), Budget.of(10, 100_000), Budget.of(1, 5_000));
  }

  @Test
  void nestedDriver_twoLevelsDeep_everyTokenCountedOnceAndRootReservationReleased() {
    ScriptedChat chat = new ScriptedChat(twoLevels());
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ROOT).run(nestedRequest());

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).isEqualTo(ROOT + ":s1");
    assertThat(result.output()).matches("answer to part [12]");
    Spend billed = chat.billedSpend();
    assertThat(result.spentTotal().sameAs(billed))
        .as("spentTotal %s vs billed %s", result.spentTotal(), billed)
        .isTrue();
    Spend sum = result.spentBreakdown().driverInference().plus(result.spentBreakdown().childWork());
    assertThat(sum.sameAs(result.spentTotal())).isTrue();
    // The two chat workers' calls are the only iterations, and they are child work.
    assertThat(result.spentBreakdown().childWork().iterations()).isEqualTo(2);
    long subDriverTurns =
        chat.billed().stream().filter(b -> b.nodeId().equals(ROOT + ":s1")).count();
    assertThat(subDriverTurns).isGreaterThan(0);

    RunStatus status = harness.existing(ROOT).status();
    assertThat(status.pool().openReservations()).isZero();
    assertThat(status.pool().reservedTokens()).isZero();
    assertThat(status.pool().committed().sameAs(result.spentTotal())).isTrue();

    List<LedgerEntry> rootLedger = LedgerRebuilder.fromHistoryJson(harness.historyJson(ROOT));
    LedgerEntry.Metered rehomed =
        rootLedger.stream()
            .filter(e -> e instanceof LedgerEntry.Metered m && m.id().equals(ROOT + ":s1"))
            .map(LedgerEntry.Metered.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(rehomed.spend().inputTokens()).isEqualTo(subDriverTurns * Scripts.DRIVER_IN);
    assertThat(LedgerTotals.of(rootLedger).spentTotal().sameAs(result.spentTotal())).isTrue();

    // The sub-driver keeps its own ledger in its own history, and it adds up to what the root
    // settled for it.
    List<LedgerEntry> subLedger =
        LedgerRebuilder.fromHistoryJson(harness.historyJson(ROOT + ":s1"));
    assertThat(subLedger.stream().filter(e -> e.kind().equals("spawned"))).hasSize(2);
    assertThat(subLedger.stream().filter(e -> e.kind().equals("spawned")).map(LedgerEntry::id))
        .containsExactly(ROOT + ":s1:s1", ROOT + ":s1:s2");
    // Ties go to the first worker that settled.
    LedgerEntry.Settled firstSettled =
        subLedger.stream()
            .filter(e -> e instanceof LedgerEntry.Settled)
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(result.outRef()).isEqualTo(firstSettled.outRef());
  }

  @Test
  void nestedDriver_crashesAfterOneTurn_partialInferenceRehomedAndSettledDown() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (request.nodeId().equals(ROOT)) {
                return Scripts.coordinatorTurn(conversation, 1, "driver", SUB_DRIVER_BUDGET);
              }
              if (request.turn() == 0) {
                return Answer.calls(
                    Scripts.DRIVER_IN,
                    Scripts.DRIVER_OUT,
                    Scripts.DRIVER_USD,
                    ScriptedChat.call("a", "await_event", "{}"));
              }
              throw ApplicationFailure.newNonRetryableFailure(
                  "router 400: model refuses", Failures.ROUTER_BAD_REQUEST);
            });
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ROOT).run(nestedRequest());

    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.ALL_CHILDREN_DOWN);
    assertThat(result.downCount()).isEqualTo(1);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
    List<LedgerEntry> ledger = LedgerRebuilder.fromHistoryJson(harness.historyJson(ROOT));
    LedgerEntry.Metered rehomed =
        ledger.stream()
            .filter(e -> e instanceof LedgerEntry.Metered m && m.id().equals(ROOT + ":s1"))
            .map(LedgerEntry.Metered.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(rehomed.spend().inputTokens()).isEqualTo(Scripts.DRIVER_IN);
    assertThat(rehomed.spend().outputTokens()).isEqualTo(Scripts.DRIVER_OUT);
    LedgerEntry.Settled settled =
        ledger.stream()
            .filter(e -> e instanceof LedgerEntry.Settled s && s.id().equals(ROOT + ":s1"))
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(settled.status()).isEqualTo("down");
    assertThat(settled.reason()).contains("driver-failed").contains(Failures.ROUTER_BAD_REQUEST);
    assertThat(harness.existing(ROOT).status().pool().openReservations()).isZero();
  }

  @Test
  void spawn_beyondMaxDepth_refusedAsDataBeforeReserving() {
    ScriptedChat chat = new ScriptedChat(twoLevels());
    harness = new TemporalHarness(chat, new RecordingMeter());

    RunResult result = harness.newRun(ROOT).run(Requests.withMaxDepth(nestedRequest(), 1));

    // The sub-driver at depth 1 may not spawn: its spawns come back as depth-exceeded.
    List<ChatTurnRequest> subTurns =
        chat.requests().stream().filter(r -> r.nodeId().equals(ROOT + ":s1")).toList();
    assertThat(subTurns).hasSizeGreaterThan(1);
    String secondTurnAppend = subTurns.get(1).append().toString();
    assertThat(secondTurnAppend).contains("depth-exceeded");
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
  }
}
