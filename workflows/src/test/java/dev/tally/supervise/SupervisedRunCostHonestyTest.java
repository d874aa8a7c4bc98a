package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.Usage;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Unknown cost is never zero; overspend is settled and reported; failures become data. */
class SupervisedRunCostHonestyTest {
  private TemporalHarness harness;

  @AfterEach
  void close() {
    harness.close();
  }

  private RunResult run(String id, RunRequest request, ScriptedChat chat) {
    harness = new TemporalHarness(chat, new RecordingMeter());
    return harness.newRun(id).run(request);
  }

  private List<LedgerEntry> ledger(String id) {
    return harness.existing(id).ledger().entries();
  }

  @Test
  void driverTurn_withoutUsage_meteredAsUnknownNotFree() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> new Answer("no receipt", List.of(), null, null));

    RunResult result = run("run-nousage", Requests.basic("no usage"), chat);

    LedgerEntry.Metered turn = (LedgerEntry.Metered) ledger("run-nousage").get(0);
    assertThat(turn.spend().tokensKnown()).isFalse();
    assertThat(turn.spend().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(result.spentTotal().tokensKnown()).isFalse();
    assertThat(result.spentTotal().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(harness.existing("run-nousage").status().pool().tokensKnown()).isFalse();
  }

  @Test
  void driverTurn_unpricedUnderDollarCap_driverFailedAndTurnStillInLedger() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) ->
                new Answer(
                    "",
                    List.of(ScriptedChat.call("a", "await_event", "{}")),
                    new Usage(10, 5),
                    null));
    RunRequest capped =
        Requests.withBudget(
            Requests.basic("capped"),
            Budget.of(5, 10_000).withMaxUsd(new BigDecimal("1")),
            Budget.of(1, 100));

    RunResult result = run("run-unpriced", capped, chat);

    assertThat(result.reason()).isEqualTo(RunResult.DRIVER_FAILED);
    assertThat(result.error().type()).isEqualTo(Failures.UNKNOWN_COST_UNDER_CAP);
    assertThat(result.error().message()).contains("scripted-model");
    assertThat(chat.billed()).hasSize(1);
    assertThat(ledger("run-unpriced")).hasSize(1);
    assertThat(result.spentTotal().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(result.spentTotal().tokens()).isEqualTo(15);
  }

  @Test
  void driverTurn_refusedAsUnpricedModel_tokensMeteredWithUnknownDollars() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              throw ApplicationFailure.newBuilder()
                  .setType(Failures.UNPRICED_MODEL)
                  .setMessage("model \"mystery\" has no price")
                  .setNonRetryable(true)
                  .setDetails("mystery", new Usage(40, 2))
                  .build();
            });
    RunRequest capped =
        Requests.withBudget(
            Requests.basic("capped"),
            Budget.of(5, 10_000).withMaxUsd(new BigDecimal("1")),
            Budget.of(1, 100));

    RunResult result = run("run-mystery", capped, chat);

    assertThat(result.reason()).isEqualTo(RunResult.DRIVER_FAILED);
    assertThat(result.error().type()).isEqualTo(Failures.UNPRICED_MODEL);
    LedgerEntry.Metered turn = (LedgerEntry.Metered) ledger("run-mystery").get(0);
    assertThat(turn.model()).isEqualTo("mystery");
    assertThat(turn.spend().tokens()).isEqualTo(42);
    assertThat(turn.spend().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(result.spentTotal().tokens()).isEqualTo(42);
  }

  @Test
  void worker_withoutUsage_settlesAsFloorAndFlagsTheTotal() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                return new Answer("an answer", List.of(), null, null);
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });

    RunResult result = run("run-worker-nousage", Requests.basic("floor"), chat);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    LedgerEntry.Settled settled =
        ledger("run-worker-nousage").stream()
            .filter(e -> e instanceof LedgerEntry.Settled)
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(settled.spent().tokensKnown()).isFalse();
    assertThat(settled.spent().iterations()).isEqualTo(1);
    assertThat(result.spentBreakdown().childWork().tokensKnown()).isFalse();
    assertThat(result.spentBreakdown().driverInference().tokensKnown()).isTrue();
    assertThat(result.spentTotal().tokensKnown()).isFalse();
  }

  @Test
  void worker_unknownDollarsUnderCap_failsClosedAndClosesDollarAdmission() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                return new Answer("priceless", List.of(), new Usage(10, 10), null);
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });
    RunRequest capped =
        Requests.withBudget(
            Requests.basic("closed"),
            Budget.of(5, 100_000).withMaxUsd(new BigDecimal("1")),
            Budget.of(1, 1_000));

    RunResult result = run("run-closed", capped, chat);

    LedgerEntry.Settled entry =
        ledger("run-closed").stream()
            .filter(e -> e instanceof LedgerEntry.Settled)
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(entry.status()).isEqualTo("down");
    assertThat(entry.reason()).contains("unknown dollar cost under a dollar-capped budget");
    assertThat(entry.infra()).isTrue();
    assertThat(entry.outRef()).isNull();
    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.ALL_CHILDREN_DOWN);
    // Dollar admission is closed: the pool reads no dollars left and unknown dollars spent, so
    // the driver is not sold another turn.
    RunStatus status = harness.existing("run-closed").status();
    assertThat(status.pool().usdLeft()).isEqualByComparingTo("0");
    assertThat(status.pool().usdKnown()).isFalse();
    // Spawn turn, await turn, then no third turn: nothing could be funded any more.
    assertThat(chat.billed().stream().filter(b -> b.role().equals("driver"))).hasSize(2);
  }

  @Test
  void worker_overspendsReservation_settlesTrueSpendWithViolationAndKeepsResult() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                return Answer.text("a long answer", 3_000, 4_000, "0.01");
              }
              return Scripts.coordinatorTurn(conversation, 1, "chat");
            });

    RunResult result = run("run-over", Requests.basic("overspend"), chat);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    LedgerEntry.Settled settled =
        ledger("run-over").stream()
            .filter(e -> e instanceof LedgerEntry.Settled)
            .map(LedgerEntry.Settled.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(settled.spent().tokens()).isEqualTo(7_000);
    assertThat(settled.budgetViolation().overspent()).hasSize(1);
    assertThat(settled.budgetViolation().overspent().get(0).channel()).isEqualTo("tokens");
    assertThat(settled.budgetViolation().overspent().get(0).reserved())
        .isEqualByComparingTo("5000");
    assertThat(settled.budgetViolation().overspent().get(0).spent()).isEqualByComparingTo("7000");
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
  }

  @Test
  void driverRouter_nonRetryableFailure_driverFailedWithTypeAndMessage() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              throw ApplicationFailure.newNonRetryableFailure(
                  "router 401: invalid key", Failures.ROUTER_UNAUTHORIZED);
            });

    RunResult result = run("run-401", Requests.basic("fail"), chat);

    assertThat(result.reason()).isEqualTo(RunResult.DRIVER_FAILED);
    assertThat(result.error().type()).isEqualTo(Failures.ROUTER_UNAUTHORIZED);
    assertThat(result.error().message()).isEqualTo("router 401: invalid key");
    assertThat(result.spentTotal().tokens()).isZero();
    assertThat(harness.existing("run-401").status().lastError()).contains("RouterUnauthorized");
  }

  @Test
  void workerRouter_failure_workerDownAsDataAndRunReportsAllChildrenDown() {
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (ChatTurnRequest.WORKER.equals(request.role())) {
                throw ApplicationFailure.newNonRetryableFailure(
                    "router 404: no such model", Failures.ROUTER_NOT_FOUND);
              }
              return Scripts.coordinatorTurn(conversation, 2, "chat");
            });

    RunResult result = run("run-down", Requests.basic("down"), chat);

    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.ALL_CHILDREN_DOWN);
    assertThat(result.downCount()).isEqualTo(2);
    assertThat(result.detail()).isEqualTo("2 of 2 workers down");
    assertThat(
            ledger("run-down").stream()
                .filter(e -> e instanceof LedgerEntry.Settled)
                .map(e -> ((LedgerEntry.Settled) e).reason()))
        .allMatch(r -> r.contains("RouterNotFound"));
  }
}
