package dev.tally.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.router.ChatTurnRequest;
import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.ScriptedChat;
import dev.tally.testing.ScriptedChat.Answer;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code cancel} signal and Temporal's own cancellation behave the same at every phase: live
 * workers are cancelled, every reservation settles, and the run says {@code cancelled}.
 */
class SupervisedRunCancelTest {
  private static final String RUN = "run-cancel";

  enum Phase {
    /** The driver's first turn is in flight and nothing has been spawned. */
    FIRST_TURN,
    /** The driver waits in await_event while two workers are mid-call. */
    AWAITING_WORKERS,
    /** A later driver turn is in flight while two workers are mid-call. */
    TURN_WITH_LIVE_WORKERS
  }

  enum How {
    SIGNAL,
    TEMPORAL_CANCEL
  }

  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private TemporalHarness harness;

  @AfterEach
  void close() {
    release.countDown();
    harness.close();
  }

  private ScriptedChat scriptFor(Phase phase) {
    return new ScriptedChat(
        (request, conversation) -> {
          if (ChatTurnRequest.WORKER.equals(request.role())) {
            if (phase != Phase.FIRST_TURN) {
              if (phase == Phase.AWAITING_WORKERS) {
                reached.countDown();
              }
              CoordinationToolsTest.await(release);
            }
            return Scripts.workerAnswer(conversation);
          }
          if (phase == Phase.FIRST_TURN && request.turn() == 0) {
            reached.countDown();
            CoordinationToolsTest.await(release);
            return Scripts.coordinatorTurn(conversation, 2, "chat");
          }
          if (phase == Phase.TURN_WITH_LIVE_WORKERS && request.turn() == 1) {
            reached.countDown();
            CoordinationToolsTest.await(release);
            return Answer.calls(10, 5, "0.0001", ScriptedChat.call("a", "await_event", "{}"));
          }
          return Scripts.coordinatorTurn(conversation, 2, "chat");
        });
  }

  @ParameterizedTest(name = "{1} during {0}")
  @org.junit.jupiter.params.provider.MethodSource("cases")
  void cancel_atPhase_noWinnerCancelledAndNoReservationLeaks(Phase phase, How how)
      throws Exception {
    ScriptedChat chat = scriptFor(phase);
    harness = new TemporalHarness(chat, new RecordingMeter());
    SupervisedRunWorkflow run = harness.start(RUN, Requests.basic("cancel me"));

    CoordinationToolsTest.await(reached);
    if (how == How.SIGNAL) {
      run.cancel(new CancelRequest("operator said stop"));
    } else {
      WorkflowStub.fromTyped(run).cancel();
    }
    release.countDown();
    RunResult result = resultOf(run, how);

    assertThat(result.kind()).isEqualTo(RunResult.NO_WINNER);
    assertThat(result.reason()).isEqualTo(RunResult.CANCELLED);
    assertThat(result.detail())
        .isEqualTo(how == How.SIGNAL ? "operator said stop" : "cancelled through Temporal");
    RunStatus status = harness.existing(RUN).status();
    assertThat(status.pool().openReservations()).isZero();
    assertThat(status.pool().reservedTokens()).isZero();
    assertThat(status.workers()).noneMatch(w -> w.status().equals("live"));

    List<LedgerEntry> ledger = LedgerRebuilder.fromHistoryJson(harness.historyJson(RUN));
    Set<String> spawned =
        ledger.stream()
            .filter(e -> e.kind().equals("spawned"))
            .map(LedgerEntry::id)
            .collect(Collectors.toSet());
    Set<String> closed =
        ledger.stream()
            .filter(e -> e.kind().equals("settled") || e.kind().equals("cancelled"))
            .map(LedgerEntry::id)
            .collect(Collectors.toSet());
    assertThat(closed).isEqualTo(spawned);
    assertThat(spawned).hasSize(phase == Phase.FIRST_TURN ? 0 : 2);
    // The turn in flight when the cancel arrived still completed and is in the ledger.
    assertThat(LedgerTotals.of(ledger).spentTotal().sameAs(result.spentTotal())).isTrue();
    assertThat(result.spentTotal().sameAs(chat.billedSpend())).isTrue();
  }

  /**
   * The run's result. Temporal closes a run it cancelled as CANCELED whatever the workflow returns,
   * so then the result is read where the run also keeps it: the status query and the memo.
   */
  private RunResult resultOf(SupervisedRunWorkflow run, How how) {
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    if (how == How.SIGNAL) {
      return stub.getResult(RunResult.class);
    }
    assertThatThrownBy(() -> stub.getResult(RunResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    RunResult fromMemo =
        stub.describe().getMemo(Supervisor.OUTCOME_MEMO, RunResult.class, RunResult.class);
    RunResult fromQuery = harness.existing(RUN).status().result();
    assertThat(fromMemo.kind()).isEqualTo(fromQuery.kind());
    assertThat(fromMemo.spentTotal().sameAs(fromQuery.spentTotal())).isTrue();
    return fromQuery;
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
    return java.util.Arrays.stream(Phase.values())
        .flatMap(
            p ->
                java.util.Arrays.stream(How.values())
                    .map(h -> org.junit.jupiter.params.provider.Arguments.of(p, h)));
  }

  @ParameterizedTest
  @EnumSource(How.class)
  void cancel_twice_firstReasonKept(How how) {
    ScriptedChat chat = scriptFor(Phase.FIRST_TURN);
    harness = new TemporalHarness(chat, new RecordingMeter());
    SupervisedRunWorkflow run = harness.start(RUN, Requests.basic("cancel twice"));
    CoordinationToolsTest.await(reached);

    run.cancel(new CancelRequest("first"));
    if (how == How.SIGNAL) {
      run.cancel(new CancelRequest("second"));
    } else {
      WorkflowStub.fromTyped(run).cancel();
    }
    release.countDown();

    RunResult result = resultOf(run, how);
    assertThat(result.detail()).isEqualTo("first");
  }

  @Test
  void feedback_signals_appendedInOrderAndBadScoreReported() {
    ScriptedChat chat = scriptFor(Phase.FIRST_TURN);
    harness = new TemporalHarness(chat, new RecordingMeter());
    SupervisedRunWorkflow run = harness.start(RUN, Requests.basic("rate me"));
    CoordinationToolsTest.await(reached);

    run.feedback(new Feedback(0.8, "good", "clear", "ana"));
    run.feedback(new Feedback(0.8, "good", "clear", "ana"));
    run.feedback(new Feedback(1.7, null, "too high", "bob"));
    release.countDown();
    WorkflowStub.fromTyped(run).getResult(RunResult.class);

    RunStatus status = harness.existing(RUN).status();
    assertThat(status.feedback()).hasSize(2).allMatch(f -> f.score() == 0.8);
    assertThat(status.lastError()).isEqualTo("feedback.score: expected a number in 0..1, got 1.7");
  }

  /**
   * Found on the real server: Temporal's cancel reaches a driver turn that is between two retries
   * of a failing router call, and the turn fails with the cancellation. The run was cancelled; its
   * driver did not fail.
   */
  @ParameterizedTest
  @EnumSource(How.class)
  void cancel_whileDriverTurnRetries_endsCancelledNotDriverFailed(How how) throws Exception {
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch retried = new CountDownLatch(1);
    ScriptedChat chat =
        new ScriptedChat(
            (request, conversation) -> {
              if (attempts.incrementAndGet() >= 2) {
                retried.countDown();
              }
              throw new IllegalStateException("router down (attempt " + attempts.get() + ")");
            });
    // Real time: the retries' backoff must really be waited out, as on a real server.
    harness = new TemporalHarness(false, new Object[] {chat, new RecordingMeter()});
    SupervisedRunWorkflow run = harness.start(RUN, Requests.basic("cancel while retrying"));
    CoordinationToolsTest.await(retried);
    if (how == How.SIGNAL) {
      run.cancel(new CancelRequest("operator said stop"));
    } else {
      WorkflowStub.fromTyped(run).cancel();
    }

    RunResult result = resultOf(run, how);
    assertThat(result.reason()).as(result.toString()).isEqualTo(RunResult.CANCELLED);
    assertThat(result.error()).isNull();
  }
}
