package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.MeterBatch;
import dev.tally.meter.RecordingMeter;
import dev.tally.research.KbGate;
import dev.tally.research.ResearchFact;
import dev.tally.research.ResearchSource;
import dev.tally.research.VetoedFact;
import dev.tally.sandbox.CheckRun;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.sandbox.SessionRequest;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.TurnUsage;
import dev.tally.sandbox.ValidationReport;
import dev.tally.supervise.CancelRequest;
import dev.tally.testing.HistoryCapture;
import dev.tally.visibility.FixedVisibility;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DelegationWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final FakeSandbox sandbox = new FakeSandbox();
  private final RecordingMeter meter = new RecordingMeter();

  @AfterEach
  void unblock() {
    sandbox.releaseHeld();
  }

  private void start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(sandbox, meter, FixedVisibility.unlisted());
    env.start();
  }

  static DelegationRequest coder(String goal) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("goal", goal);
    args.put("repoRoot", "/repo");
    ObjectNode config = args.putObject("config");
    config.put("testCmd", "make test");
    config.put("maxDiffLines", 50);
    return DelegationRequest.of(DelegationProfiles.CODER, args, "team-a");
  }

  static DelegationRequest research(String question) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("question", question);
    args.put("namespace", "notes");
    return DelegationRequest.of(DelegationProfiles.RESEARCHER, args, null);
  }

  private static DelegationWorkflow stub(WorkflowClient client, Worker worker, String id) {
    return client.newWorkflowStub(
        DelegationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
  }

  private static String session(String id) {
    return DelegationIds.sessionId(id, 1);
  }

  private static ValidationReport valid(String baseCommit) {
    return new ValidationReport(
        true,
        "diff --git a/src/A.java b/src/A.java\n+x\n",
        baseCommit,
        List.of("src/A.java"),
        1,
        List.of(new CheckRun("test", "make test", 0, "ok", false, false)),
        List.of());
  }

  @Test
  void coderTurn_completed_currentDetailsShowStatusVariantsAndSpendForTheUi(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-details";
    sandbox
        .script(
            session(id),
            TurnTick.completed(
                "changed A", null, new TurnUsage(1200, 300, new BigDecimal("0.42"), "claude-x")))
        .settleWith(r -> valid(r.baseCommit()));
    start(env, worker);

    stub(client, worker, id).run(coder("make A better"));

    WorkflowMetadata metadata =
        client
            .newUntypedWorkflowStub(id)
            .query(WorkflowClient.QUERY_TYPE_WORKFLOW_METADATA, WorkflowMetadata.class);
    assertThat(metadata.getCurrentDetails())
        .isEqualTo("**coder** completed · 1 variant(s) · spent 1500 tokens, $0.42");
  }

  @Test
  void coderTurn_runsThenCompletes_returnsValidatedPatchWithCostAndReleasesBox(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-complete";
    sandbox
        .script(
            session(id),
            TurnTick.running(1_000L),
            TurnTick.running(6_000L),
            TurnTick.completed(
                "changed A", null, new TurnUsage(1200, 300, new BigDecimal("0.42"), "claude-x")))
        .settleWith(r -> valid(r.baseCommit()));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(coder("make A better"));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    CodeChange change = Json.convert(r.result(), CodeChange.class);
    assertThat(change.patch()).startsWith("diff --git a/src/A.java");
    assertThat(change.baseCommit()).isEqualTo("base123");
    assertThat(change.summary()).isEqualTo("changed A");
    assertThat(change.sessionRef())
        .isEqualTo("sandbox=box-" + session(id) + ";session=" + session(id));
    assertThat(r.costUsd()).isEqualByComparingTo("0.42");
    assertThat(r.spent().inputTokens()).isEqualTo(1200);
    assertThat(r.error()).isNull();
    assertThat(sandbox.ticks(session(id))).isEqualTo(3);
    assertThat(sandbox.calls())
        .containsSubsequence(
            "acquire " + session(id),
            "tick " + session(id) + " #1",
            "tick " + session(id) + " #3",
            "settle " + session(id),
            "release " + session(id));
    assertThat(sandbox.cancels()).isEmpty();
    assertThat(sandbox.releases())
        .singleElement()
        .extracting(SessionRequest::sandboxId)
        .isEqualTo("box-" + session(id));

    List<LedgerEntry> metered =
        meter.batches().stream().flatMap(b -> b.entries().stream()).toList();
    assertThat(metered).singleElement().isInstanceOf(LedgerEntry.Metered.class);
    LedgerEntry.Metered m = (LedgerEntry.Metered) metered.get(0);
    assertThat(m.id()).isEqualTo(session(id));
    assertThat(m.model()).isEqualTo("claude-x");
    assertThat(m.spend().usd()).isEqualByComparingTo("0.42");
    assertThat(m.spend().usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(meter.batches()).extracting(MeterBatch::runId).containsOnly(id);

    DelegationStatus status = client.newWorkflowStub(DelegationWorkflow.class, id).status();
    assertThat(status.status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(status.progress().iteration()).isEqualTo(3);
    assertThat(status.completedAt()).isNotNull();
    assertThat(status.result()).isEqualTo(r.result());

    // Timers between ticks are durable and carry a summary; the session ref went into the memo.
    WorkflowExecutionHistory history = client.fetchHistory(id);
    List<HistoryEvent> timers =
        history.getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
            .toList();
    assertThat(timers).hasSize(2);
    assertThat(timers.get(0).getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
        .isEqualTo(DelegationPolicies.DEFAULT_TICK_INTERVAL_MS / 1000);
    assertThat(timers.get(0).getUserMetadata().getSummary().getData().toStringUtf8())
        .contains("next tick of " + session(id));
    String[] sessions =
        client
            .newUntypedWorkflowStub(id)
            .describe()
            .getMemo("sessions", String[].class, String[].class);
    assertThat(sessions).containsExactly("sandbox=box-" + session(id) + ";session=" + session(id));

    WorkflowReplayer.replayWorkflowExecution(history, DelegationWorkflowImpl.class);
    HistoryCapture.save("delegation-coder-completed", history);
  }

  @Test
  void tickInterval_fromRequestElseLease_setsTheTimer(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String fromLease = "dlg-lease-interval";
    String fromRequest = "dlg-request-interval";
    sandbox
        .leaseTickInterval(2_000L)
        .script(session(fromLease), TurnTick.running(0L), TurnTick.completed("a", null, null))
        .script(session(fromRequest), TurnTick.running(0L), TurnTick.completed("a", null, null));
    start(env, worker);

    stub(client, worker, fromLease).run(research("q1"));
    stub(client, worker, fromRequest).run(research("q2").withTiming(7_000L, null));

    assertThat(firstTimerSeconds(client, fromLease)).isEqualTo(2);
    assertThat(firstTimerSeconds(client, fromRequest)).isEqualTo(7);
  }

  private static long firstTimerSeconds(WorkflowClient client, String id) {
    return client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .findFirst()
        .orElseThrow()
        .getTimerStartedEventAttributes()
        .getStartToFireTimeout()
        .getSeconds();
  }

  static final String FINDINGS =
      """
      Here is what I found.
      ```json
      {"answer": "The tower is 330 m tall and opened in 1889.",
       "facts": [
         {"claim": "height", "value": 330, "verbatimPassage": "The tower is 330 metres tall",
          "sourceRef": "wiki", "citation": "https://en.wikipedia.org/wiki/Eiffel_Tower"},
         {"claim": "opening", "value": "1889", "verbatimPassage": "opened to visitors in 1889",
          "sourceRef": "wiki"},
         {"claim": "height again", "value": 324, "verbatimPassage": "The tower is 330 metres tall",
          "sourceRef": "wiki"}],
       "sources": [{"ref": "wiki", "title": "Eiffel Tower",
                    "text": "The tower is 330 metres tall. It opened to the public in 1889."}]}
      ```
      """;

  @Test
  void researchTurn_structuredResult_acceptsGroundedFactsAndNamesEachVeto(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-research";
    JsonNode details = Json.parse("{\"exitCode\":0}");
    sandbox.script(session(id), TurnTick.completed(FINDINGS, details, null));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(research("how tall is it?"));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    ResearchAnswer answer = Json.convert(r.result(), ResearchAnswer.class);
    assertThat(answer.answer()).isEqualTo("The tower is 330 m tall and opened in 1889.");
    assertThat(answer.details()).isEqualTo(details);
    assertThat(answer.accepted()).extracting(ResearchFact::claim).containsExactly("height");
    assertThat(answer.vetoed())
        .extracting(VetoedFact::vetoedBy)
        .containsExactly(KbGate.PASSAGE_PRESENT, KbGate.VALUE_IN_PASSAGE);
    assertThat(answer.vetoed().get(0).reason()).contains("not found verbatim");
    assertThat(answer.sources()).singleElement().extracting(ResearchSource::ref).isEqualTo("wiki");
    assertThat(r.namespace()).isEqualTo("notes");
    // No usage receipt: the turn is metered as unknown, and no dollar figure is claimed.
    assertThat(r.costUsd()).isNull();
    assertThat(r.spent().tokensKnown()).isFalse();
    assertThat(r.spent().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(meter.batches()).hasSize(1);
    assertThat(sandbox.calls()).doesNotContain("settle " + session(id));
    HistoryCapture.save("delegation-research-grounded", client.fetchHistory(id));
  }

  @Test
  void researchTurn_freeTextAnswer_failsAsMalformedWithTheParseError(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-research-prose";
    sandbox.script(session(id), TurnTick.completed("42, per the docs", null, null));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(research("what is it?"));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.result()).isNull();
    assertThat(r.error().kind()).isEqualTo(DelegationFailures.MALFORMED_RESEARCH_RESULT);
    assertThat(r.error().message())
        .isEqualTo(
            "research result: expected a JSON object {answer, facts, sources}, got text without"
                + " one: '42, per the docs'");
    // The answer ended in the box: nothing to cancel there, only the release.
    assertThat(sandbox.cancels()).isEmpty();
    assertThat(sandbox.releases()).hasSize(1);
  }

  @Test
  void failedTick_isTerminal_failsWithTurnFailedAndReleasesWithoutCancel(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-failed-tick";
    sandbox.script(
        session(id), TurnTick.running(0L), TurnTick.failed("harness exited with code 3", null));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(coder("break it"));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.TURN_FAILED);
    assertThat(r.error().message()).contains("harness exited with code 3").contains(session(id));
    assertThat(r.result()).isNull();
    assertThat(sandbox.ticks(session(id))).isEqualTo(2);
    assertThat(sandbox.calls()).doesNotContain("settle " + session(id));
    assertThat(sandbox.cancels()).isEmpty();
    assertThat(sandbox.releases()).hasSize(1);
  }

  @Test
  void sessionPastWallClockCap_failsAndCancelsRemoteSessionThenReleases(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-wall-cap";
    sandbox.script(session(id), TurnTick.running(null));
    start(env, worker);

    DelegationResult r =
        stub(client, worker, id).run(coder("never ends").withTiming(5_000L, 60_000L));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.WALL_CLOCK_CAP_EXCEEDED);
    assertThat(r.error().message()).contains("60000 ms");
    // 60 s of 5 s pauses: the first tick plus one after each of twelve timers.
    assertThat(sandbox.ticks(session(id))).isEqualTo(13);
    assertThat(sandbox.cancels())
        .singleElement()
        .extracting(SessionRequest::sessionId)
        .isEqualTo(session(id));
    assertThat(sandbox.releases()).hasSize(1);
    assertThat(sandbox.calls().get(sandbox.calls().size() - 1)).isEqualTo("release " + session(id));
  }

  @Test
  void validationRefusal_failsWithReasonsAndNoPatch(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-refused";
    sandbox
        .script(session(id), TurnTick.completed("done", null, null))
        .settleWith(
            r ->
                new ValidationReport(
                    false,
                    "diff that must not leak",
                    r.baseCommit(),
                    List.of("secrets/key.pem"),
                    3,
                    List.of(),
                    List.of("forbidden path touched: secrets/key.pem")));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(coder("touch secrets"));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.VALIDATION_REFUSED);
    assertThat(r.error().message()).contains("forbidden path touched: secrets/key.pem");
    assertThat(r.result()).isNull();
    JsonNode evidence = r.turns().get(0).evidence();
    assertThat(evidence.get("refusals").get(0).asText()).contains("secrets/key.pem");
    assertThat(evidence.has("patch")).isFalse();
    assertThat(Json.canonical(r)).doesNotContain("diff that must not leak");
    assertThat(sandbox.releases()).hasSize(1);
  }

  @Test
  void cancelSignalDuringTick_cancelsSessionAndReleasesBox(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-cancel-tick";
    sandbox.script(session(id), TurnTick.running(0L)).holdTick(2);
    start(env, worker);
    DelegationWorkflow wf = stub(client, worker, id);
    // A short pause: time is locked outside getResult, so the timer before tick 2 runs in real
    // time.
    WorkflowClient.start(wf::run, coder("slow").withTiming(100L, null));

    sandbox.awaitHeldTick();
    wf.cancel(new CancelRequest("operator changed their mind"));
    DelegationResult r = WorkflowStub.fromTyped(wf).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(r.error())
        .isEqualTo(new DelegationError("operator changed their mind", "Cancelled"));
    assertThat(r.completedAt()).isNotNull();
    assertThat(sandbox.cancels())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.sessionId()).isEqualTo(session(id));
              assertThat(c.sandboxId()).isEqualTo("box-" + session(id));
            });
    assertThat(sandbox.releases()).hasSize(1);
    assertThat(sandbox.calls())
        .containsSubsequence(
            "tick " + session(id) + " #2", "cancel " + session(id), "release " + session(id));
    // The dispatched turn is metered even though it was cancelled: it may have cost something.
    assertThat(meter.batches()).hasSize(1);
  }

  @Test
  void cancelSignalDuringTimer_cancelsTimerSessionAndBox_andStatusShowedRunningPhase(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-cancel-timer";
    sandbox.script(session(id), TurnTick.running(12_400L));
    start(env, worker);
    DelegationWorkflow wf = stub(client, worker, id);
    // An hour between ticks: with time locked outside getResult, the workflow sits in its timer.
    WorkflowClient.start(wf::run, coder("slow").withTiming(3_600_000L, null));
    sandbox.awaitFirstTick();
    DelegationStatus running = awaitPhase(wf, "detached-running 12s");

    wf.cancel(new CancelRequest(null));
    DelegationResult r = WorkflowStub.fromTyped(wf).getResult(DelegationResult.class);

    assertThat(running.status()).isEqualTo(DelegationStatus.RUNNING);
    assertThat(running.progress().iteration()).isEqualTo(1);
    assertThat(running.turns().get(0).sessionRef())
        .isEqualTo("sandbox=box-" + session(id) + ";session=" + session(id));
    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(r.error().message()).isEqualTo("cancelled by caller");
    assertThat(sandbox.ticks(session(id))).isEqualTo(1);
    assertThat(sandbox.cancels()).hasSize(1);
    assertThat(sandbox.releases()).hasSize(1);
    WorkflowExecutionHistory history = client.fetchHistory(id);
    assertThat(
            history.getEvents().stream()
                .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED))
        .isTrue();
    HistoryCapture.save("delegation-cancelled-during-timer", history);
  }

  static DelegationStatus awaitPhase(DelegationWorkflow wf, String phase)
      throws InterruptedException {
    DelegationStatus s = wf.status();
    for (int i = 0; i < 200 && !phase.equals(s.progress().phase()); i++) {
      Thread.sleep(50);
      s = wf.status();
    }
    assertThat(s.progress().phase()).isEqualTo(phase);
    return s;
  }

  @Test
  void cancelBeforeBoxExists_stillCancelsSessionAndReleases(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-cancel-acquire";
    sandbox.script(session(id), TurnTick.running(0L)).holdAcquire();
    start(env, worker);
    DelegationWorkflow wf = stub(client, worker, id);
    WorkflowClient.start(wf::run, coder("never starts"));
    sandbox.awaitAcquireStarted();
    assertThat(wf.status().status()).isEqualTo(DelegationStatus.PENDING);

    WorkflowStub.fromTyped(wf).cancel();

    // Temporal's own cancellation ends the execution CANCELED; the status query still tells all.
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(DelegationResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    DelegationStatus r = wf.status();
    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(r.error().message()).isEqualTo("cancelled through Temporal");
    assertThat(sandbox.ticks(session(id))).isZero();
    // No box id was ever learned: cleanup addresses the session alone, which the provider knows.
    assertThat(sandbox.cancels())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.sessionId()).isEqualTo(session(id));
              assertThat(c.sandboxId()).isNull();
            });
    assertThat(sandbox.releases())
        .singleElement()
        .extracting(SessionRequest::sessionId)
        .isEqualTo(session(id));
    // Nothing was dispatched, so nothing is metered.
    assertThat(meter.batches()).isEmpty();
    assertThat(r.costUsd()).isEqualByComparingTo("0");
  }

  @Test
  void acquireRefusedForGood_failsWithTheProviderKind(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-no-harness";
    sandbox.failAcquire(
        ApplicationFailure.newNonRetryableFailure(
            "no harness configured: set TALLY_LOCAL_HARNESS",
            SandboxFailures.SANDBOX_NOT_CONFIGURED));
    start(env, worker);

    DelegationResult r = stub(client, worker, id).run(research("q"));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error().kind()).isEqualTo(SandboxFailures.SANDBOX_NOT_CONFIGURED);
    assertThat(r.error().message()).contains("TALLY_LOCAL_HARNESS");
    assertThat(sandbox.calls()).filteredOn(c -> c.startsWith("acquire")).hasSize(1);
    assertThat(sandbox.releases()).hasSize(1);
  }

  @Test
  void twoVariants_oneRefusedOneValid_keepsTheValidOneAndReleasesBoth(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-variants";
    String v1 = DelegationIds.sessionId(id, 1);
    String v2 = DelegationIds.sessionId(id, 2);
    sandbox
        .script(
            v1, TurnTick.completed("v1", null, new TurnUsage(10, 5, new BigDecimal("0.10"), null)))
        .script(
            v2,
            TurnTick.running(0L),
            TurnTick.completed("v2", null, new TurnUsage(20, 5, new BigDecimal("0.25"), null)))
        .settleWith(
            r ->
                r.sessionId().equals(v1)
                    ? new ValidationReport(
                        false, null, r.baseCommit(), List.of(), 0, List.of(), List.of("empty diff"))
                    : valid(r.baseCommit()));
    start(env, worker);
    DelegationRequest request = coder("two ways");
    ((ObjectNode) request.args()).put("variants", 2);

    DelegationResult r = stub(client, worker, id).run(request);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(Json.convert(r.result(), CodeChange.class).summary()).isEqualTo("v2");
    assertThat(r.costUsd()).isEqualByComparingTo("0.35");
    assertThat(r.turns()).extracting(TurnView::phase).containsExactly("failed", "completed");
    assertThat(sandbox.releases())
        .extracting(SessionRequest::sessionId)
        .containsExactlyInAnyOrder(v1, v2);
    HistoryCapture.save("delegation-two-variants", client.fetchHistory(id));
  }

  @Test
  void uiAuditor_answersNoSandboxConfigured_withoutTouchingASandbox(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker);
    JsonNode args =
        Json.parse(
            "{\"workspaceDir\":\"/w\",\"routes\":[{\"name\":\"home\",\"url\":\"https://x.test/\"}]}");

    DelegationResult r =
        stub(client, worker, "dlg-ui")
            .run(DelegationRequest.of(DelegationProfiles.UI_AUDITOR, args, null));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.error())
        .isEqualTo(
            new DelegationError("no sandbox configured for ui-auditor", "SandboxNotConfigured"));
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void invalidRequest_failsTheWorkflowNonRetryably_namingTheField(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker);
    JsonNode args = Json.parse("{\"goal\":\"x\",\"repoRoot\":\"/r\",\"variants\":9}");

    assertThatThrownBy(
            () ->
                stub(client, worker, "dlg-invalid").run(DelegationRequest.of("coder", args, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DelegationFailures.INVALID_DELEGATION_REQUEST);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("args.variants: expected an integer in 1..8, got 9");
            });
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void workflowIdUnfitForSessionIds_isRefusedAsInvalid(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker);

    assertThatThrownBy(() -> stub(client, worker, "bad;id=x").run(research("q")))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DelegationFailures.INVALID_DELEGATION_REQUEST);
              assertThat(f.getOriginalMessage()).contains("workflow id: expected letters");
            });
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void feedbackSignal_appendsValidRatingsAndReportsAnUnusableOne(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-feedback";
    sandbox.script(session(id), TurnTick.running(0L));
    start(env, worker);
    DelegationWorkflow wf = stub(client, worker, id);
    WorkflowClient.start(wf::run, coder("slow").withTiming(3_600_000L, null));
    sandbox.awaitFirstTick();
    JsonNode target = Json.parse("{\"kind\":\"delegation\",\"ref\":\"" + id + "\"}");
    DelegationFeedback good =
        new DelegationFeedback(
            target, new DelegationFeedback.Rating(0.9, "good", "nice"), "user", null);

    wf.feedback(good);
    wf.feedback(good);
    wf.feedback(
        new DelegationFeedback(
            target, new DelegationFeedback.Rating(7.0, null, "x"), "user", null));
    DelegationStatus s = wf.status();
    wf.cancel(new CancelRequest("done"));
    DelegationResult r = WorkflowStub.fromTyped(wf).getResult(DelegationResult.class);

    assertThat(s.feedback()).containsExactly(good, good);
    assertThat(r.feedback()).containsExactly(good, good);
    assertThat(DelegationStatus.of(r).feedback()).containsExactly(good, good);
    assertThat(s.rejectedFeedback())
        .contains("feedback.rating.score: expected a number in 0..1, got 7.0");
  }
}
