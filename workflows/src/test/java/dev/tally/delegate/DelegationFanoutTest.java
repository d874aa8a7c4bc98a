package dev.tally.delegate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.export.EvalRunBatch;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportReceipt;
import dev.tally.export.RunHistory;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.RecordingMeter;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.Usage;
import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.FakeSandbox;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.TurnUsage;
import dev.tally.sandbox.ValidationReport;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.testing.HistoryCapture;
import dev.tally.visibility.FixedVisibility;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fanout over the fake sandbox: per-variant harnesses, the cap under cancel, both reviewers. */
class DelegationFanoutTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final FakeSandbox sandbox = new FakeSandbox();
  private final RecordingMeter meter = new RecordingMeter();
  private final ReviewerModel router = new ReviewerModel();

  @AfterEach
  void unblock() {
    sandbox.releaseHeld();
  }

  /** A router that answers reviews: approves a change touching more than one line. */
  static final class ReviewerModel implements RouterChatActivities {
    final List<ChatTurnRequest> requests = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ChatTurnReply routerChat(ChatTurnRequest request) {
      requests.add(request);
      String prompt = request.append().get(1).content();
      boolean big = !prompt.contains("(1 changed lines)");
      String review =
          big
              ? "{\"approved\":true,\"recommendation\":\"approve-with-nits\",\"readiness\":0.7}"
              : "Verdict:\n{\"approved\":false,\"recommendation\":\"reject\",\"readiness\":0.2,"
                  + "\"notes\":\"does nothing useful\"}";
      return new ChatTurnReply(
          null,
          review,
          List.of(),
          new Usage(900, 60),
          new BigDecimal("0.004"),
          UsdSource.BILLED,
          "judge-1");
    }
  }

  /** The eval-run port's edge: what was posted. */
  static final class RecordingExport implements ExportEvalRunsActivities {
    final List<EvalRunBatch> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ExportReceipt exportEvalRuns(EvalRunBatch batch) {
      batches.add(batch);
      return new ExportReceipt(ExportReceipt.QUEUED, 0, batch.events().size(), List.of());
    }
  }

  private final RecordingExport export = new RecordingExport();

  private void start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(
        sandbox, meter, router, export, FixedVisibility.unlisted());
    env.start();
  }

  static DelegationRequest fanout(int variants, int cap, ObjectNode reviewer, String winner) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("goal", "make A better");
    args.put("repoRoot", "/repo");
    args.put("variants", variants);
    ObjectNode config = args.putObject("config");
    config.put("testCmd", "make test");
    config.put("maxDiffLines", 50);
    config.putArray("harnesses").add("claude-code").add("codex");
    config.putArray("models").add("opus");
    config.put("maxConcurrency", cap);
    if (reviewer != null) {
      config.set("reviewer", reviewer);
    }
    if (winner != null) {
      config.put("winner", winner);
    }
    return DelegationRequest.of(DelegationProfiles.CODER, args, "team-a");
  }

  private static DelegationWorkflow stub(WorkflowClient client, Worker worker, String id) {
    return client.newWorkflowStub(
        DelegationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(worker.getTaskQueue()).build());
  }

  private static ValidationReport valid(String base, int lines) {
    return new ValidationReport(
        true, "diff --git a/A b/A\n", base, List.of("A"), lines, List.of(), List.of());
  }

  @Test
  void commandReviewer_rejectsOne_highestReadinessPicksAmongTheApproved(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-fanout-reviewed";
    for (int v = 1; v <= 3; v++) {
      sandbox.script(
          DelegationIds.sessionId(id, v),
          TurnTick.running(0L),
          TurnTick.completed("v" + v, null, new TurnUsage(100, 10, new BigDecimal("0.01"), "m")));
    }
    sandbox
        .settleWith(r -> valid(r.baseCommit(), r.sessionId().endsWith("-v1") ? 3 : 8))
        .reviewWith(
            r ->
                r.sessionId().endsWith("-v1")
                    ? new CoderReview(false, "changes-requested", 0.6, "misses a case")
                    : new CoderReview(
                        true, "ship", r.sessionId().endsWith("-v2") ? 0.8 : 0.95, null));
    start(env, worker);
    ObjectNode reviewer =
        Json.CANONICAL.createObjectNode().put("kind", "command").put("cmd", "./review");

    DelegationResult r = stub(client, worker, id).run(fanout(3, 2, reviewer, "highest-readiness"));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(r.winner()).isEqualTo(DelegationIds.sessionId(id, 3));
    assertThat(r.turns())
        .extracting(TurnView::harness)
        .containsExactly("claude-code", "codex", "claude-code");
    assertThat(r.turns()).extracting(TurnView::model).containsExactly("opus", null, null);
    assertThat(r.turns().get(0).error().kind()).isEqualTo(DelegationFailures.REVIEW_REJECTED);
    assertThat(r.turns().get(0).evidence().get("reviewer").asText()).isEqualTo("command:./review");
    assertThat(r.costUsd()).isEqualByComparingTo("0.03");
    assertThat(sandbox.calls()).filteredOn(c -> c.startsWith("review ")).hasSize(3);
    HistoryCapture.save("delegation-fanout-reviewed", client.fetchHistory(id));
  }

  @Test
  void evalRun_exportsOneRecordPerDelegation_andItsHistoryGivesItBackForAGateDecision(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-fanout-eval";
    for (int v = 1; v <= 2; v++) {
      sandbox.script(
          DelegationIds.sessionId(id, v),
          TurnTick.completed("v" + v, null, new TurnUsage(100, 10, new BigDecimal("0.01"), "m")));
    }
    sandbox.settleWith(r -> valid(r.baseCommit(), r.sessionId().endsWith("-v1") ? 4 : 2));
    start(env, worker);

    DelegationResult r =
        stub(client, worker, id)
            .run(
                fanout(2, 2, null, "smallest-diff")
                    .withEvalRun(new EvalRunLabels("evals/d", Map.of("team", "a"))));

    assertThat(export.batches)
        .singleElement()
        .satisfies(
            b -> {
              EvalRunEvent e = b.events().get(0);
              assertThat(e.runId()).isEqualTo(id);
              assertThat(e.status()).isEqualTo(EvalRunEvent.FINISHED);
              assertThat(e.labels()).containsEntry("team", "a");
              assertThat(e.generations()).hasSize(2);
              assertThat(e.generations().get(1).compositeMean())
                  .isEqualTo(r.turns().get(1).score());
              assertThat(e.totalCostUsd()).isEqualByComparingTo("0.02");
            });
    assertThat(r.evalRecord()).isEqualTo(export.batches.get(0).events().get(0));
    WorkflowExecutionHistory history = client.fetchHistory(id);
    EvalRunEvent rebuilt = RunHistory.parse(history.toJson(false)).evalRecord(id, 0);
    assertThat(rebuilt).isEqualTo(r.evalRecord());
    assertThat(rebuilt.gateDecided("ship", 0.1, "2026-12-02T00:00:00Z").status())
        .isEqualTo(EvalRunEvent.GATE_DECIDED);
    HistoryCapture.save("delegation-fanout-eval", history);
  }

  @Test
  void modelJudge_withAnUnusableReply_vetoesFailClosed_andIsMeteredOnTheLedger(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-research-model-judge";
    sandbox.script(
        DelegationIds.sessionId(id, 1),
        TurnTick.completed(DelegationWorkflowTest.FINDINGS, null, null));
    start(env, worker);
    DelegationRequest request = DelegationWorkflowTest.research("how tall is it?");
    ((ObjectNode) request.args())
        .putObject("config")
        .putArray("judges")
        .addObject()
        .put("kind", "model")
        .put("model", "judge-1");

    DelegationResult r = stub(client, worker, id).run(request);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    ResearchAnswer answer = Json.convert(r.result(), ResearchAnswer.class);
    assertThat(answer.accepted()).isEmpty();
    // The one fact past the floor reached the judge, whose reply was not {accept, reason?}.
    assertThat(answer.vetoed().get(0).vetoedBy()).isEqualTo("model:judge-1");
    assertThat(answer.vetoed().get(0).reason()).startsWith("judge reply: expected {accept");
    assertThat(router.requests).hasSize(1);
    List<LedgerEntry.Metered> metered =
        meter.batches().stream()
            .flatMap(b -> b.entries().stream())
            .map(LedgerEntry.Metered.class::cast)
            .toList();
    assertThat(metered)
        .extracting(LedgerEntry.Metered::id)
        .containsExactly(DelegationIds.sessionId(id, 1), DelegationIds.sessionId(id, 1) + ":judge");
    assertThat(metered.get(1).spend().usd()).isEqualByComparingTo("0.004");
    // The harness reported nothing, so the whole is a floor: unknown, not the judge's $0.004.
    assertThat(r.costUsd()).isNull();
    assertThat(r.spent().usd()).isEqualByComparingTo("0.004");
  }

  @Test
  void cancel_whileCandidatesWaitForTheCap_noneOfThemEverAsksForABox(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    String id = "dlg-fanout-cancel";
    sandbox.holdAcquire();
    start(env, worker);
    DelegationWorkflow wf = stub(client, worker, id);
    WorkflowClient.start(wf::run, fanout(3, 1, null, null));
    sandbox.awaitAcquireStarted();

    wf.cancel(new CancelRequest("enough"));
    DelegationResult r = WorkflowStub.fromTyped(wf).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(r.error().message()).isEqualTo("enough");
    assertThat(sandbox.calls())
        .filteredOn(c -> c.startsWith("acquire "))
        .containsExactly("acquire " + DelegationIds.sessionId(id, 1));
    // The started candidate is cancelled and released; the waiting ones end cancelled too.
    assertThat(sandbox.cancels())
        .singleElement()
        .satisfies(c -> assertThat(c.sessionId()).isEqualTo(DelegationIds.sessionId(id, 1)));
    assertThat(r.turns()).extracting(TurnView::phase).containsOnly("cancelled");
    assertThat(r.turns().get(2).error().message()).contains("enough");
  }

  @Test
  void modelReviewer_isMeteredOnTheDelegationsLedger_andGatesTheCandidates(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    String id = "dlg-fanout-model-review";
    for (int v = 1; v <= 2; v++) {
      sandbox.script(
          DelegationIds.sessionId(id, v),
          TurnTick.completed("v" + v, null, new TurnUsage(100, 10, new BigDecimal("0.01"), "m")));
    }
    sandbox.settleWith(r -> valid(r.baseCommit(), r.sessionId().endsWith("-v1") ? 1 : 9));
    start(env, worker);
    ObjectNode reviewer =
        Json.CANONICAL.createObjectNode().put("kind", "model").put("model", "judge-1");

    DelegationResult r = stub(client, worker, id).run(fanout(2, 2, reviewer, "smallest-diff"));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    // The smaller change was rejected by the model, so the larger approved one wins.
    assertThat(r.winner()).isEqualTo(DelegationIds.sessionId(id, 2));
    assertThat(r.turns().get(0).error().message())
        .contains(
            "reviewer model:judge-1 did not approve: reject (readiness 0.2): does nothing useful");
    assertThat(router.requests).hasSize(2);
    assertThat(router.requests.get(0).model()).isEqualTo("judge-1");
    assertThat(router.requests.get(0).runId()).isEqualTo(id);
    // Two harness turns at $0.01 and two reviews at $0.004: all on the ledger, all in the cost.
    assertThat(r.costUsd()).isEqualByComparingTo("0.028");
    assertThat(r.turns().get(1).spent().usd()).isEqualByComparingTo("0.014");
    assertThat(r.turns().get(1).spent().inputTokens()).isEqualTo(1000);
    List<LedgerEntry.Metered> metered =
        meter.batches().stream()
            .flatMap(b -> b.entries().stream())
            .map(LedgerEntry.Metered.class::cast)
            .toList();
    assertThat(metered)
        .extracting(LedgerEntry.Metered::id)
        .containsExactly(
            DelegationIds.sessionId(id, 1),
            DelegationIds.sessionId(id, 2),
            DelegationIds.sessionId(id, 1) + ":review",
            DelegationIds.sessionId(id, 2) + ":review");
    assertThat(metered.get(2).model()).isEqualTo("judge-1");
    HistoryCapture.save("delegation-fanout-model-review", client.fetchHistory(id));
  }
}
