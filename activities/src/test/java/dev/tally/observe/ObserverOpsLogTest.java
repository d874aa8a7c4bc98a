package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.delegate.DelegationFailures;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.Failures;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Twenty runs and delegations with mixed outcomes, each through the real workflows and activities,
 * and what their namespace's observer makes of them: the ops log, the aggregates, the digest and a
 * later run's playbook.
 */
class ObserverOpsLogTest {
  private static final Map<String, String> SUITE = Map.of("suite", "alpha");

  private final ObserverStack stack = new ObserverStack(true, ObserverSettings.DEFAULTS).start();

  /** What each run or delegation said about itself, by workflow id. */
  private final Map<String, Expected> expected = new TreeMap<>();

  private record Expected(String outcome, String reason, String errorType, Spend spent) {}

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void mixedOutcomes_leaveOneOpEach_aggregatesEqualTheRunsOwnResults() throws Exception {
    runTwenty();

    ObserverStats stats = stack.awaitOps(20, Duration.ofSeconds(60));
    // Nothing more arrives later: exactly one op per run.
    Thread.sleep(500);
    stats = stack.observer().stats().orElseThrow();
    assertThat(stats.aggregates().total().ops()).isEqualTo(20);
    assertThat(stats.duplicates()).isZero();

    List<Op> log = stack.observer().log(0).ops();
    assertThat(log).extracting(Op::runId).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Op op : log) {
      Expected e = expected.get(op.runId());
      assertThat(op.outcome()).as(op.runId()).isEqualTo(e.outcome());
      assertThat(op.reason()).as(op.runId()).isEqualTo(e.reason());
      assertThat(op.errorType()).as(op.runId()).isEqualTo(e.errorType());
      assertThat(op.spent().sameAs(e.spent())).as(op.runId() + " spent").isTrue();
      assertThat(op.taskHash()).as("a hash, never the task").startsWith("sha256:");
      assertThat(Json.canonical(op)).doesNotContain("win task");
    }

    Map<String, Long> byOutcome = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    Spend total = Spend.ZERO;
    for (Expected e : expected.values()) {
      byOutcome.merge(e.outcome(), 1L, Long::sum);
      if (e.reason() != null) {
        byReason.merge(e.reason(), 1L, Long::sum);
      }
      total = total.plus(e.spent());
    }
    assertThat(counts(stats.aggregates().byOutcome())).isEqualTo(byOutcome);
    assertThat(counts(stats.aggregates().byReason())).isEqualTo(byReason);
    assertThat(byOutcome.keySet())
        .contains(Op.WINNER, Op.NO_WINNER, Op.CANCELLED, Op.REFUSED, Op.FAILED);
    assertThat(stats.aggregates().total().spent().sameAs(total)).isTrue();
    assertThat(stats.aggregates().total().spent().usd().signum()).isPositive();
    // The ui-auditor delegations priced nothing: the total is a floor, never a fact.
    assertThat(stats.aggregates().total().spent().usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(stats.aggregates().total().usdUnknownOps()).isEqualTo(2);
    assertThat(counts(stats.aggregates().byKind())).isEqualTo(Map.of("delegation", 3L, "run", 17L));

    // The runs' dollars equal their ledgers, as the meter saw them.
    BigDecimal ledgers = BigDecimal.ZERO;
    for (String id : expected.keySet()) {
      if (id.startsWith("run-") && !id.startsWith("run-invalid")) {
        LedgerView view = stack.client.newUntypedWorkflowStub(id).query("ledger", LedgerView.class);
        ledgers = ledgers.add(view.totals().spentTotal().usd());
      }
    }
    assertThat(stats.aggregates().byKind().get("run").spent().usd()).isEqualByComparingTo(ledgers);

    Digest digest = stack.observer().digestNow(true);
    Map<String, Long> groups = new TreeMap<>();
    digest.groups().forEach(g -> groups.put(g.reason() + "/" + g.errorType(), g.count()));
    assertThat(groups)
        .containsEntry("budget-exhausted/null", 3L)
        .containsEntry(RunResult.CANCELLED + "/null", 3L)
        .containsEntry("driver-failed/" + Failures.ROUTER_NOT_FOUND, 2L)
        .containsEntry("invalid-request/" + Failures.INVALID_RUN_REQUEST, 1L)
        .containsEntry("invalid-request/" + DelegationFailures.INVALID_DELEGATION_REQUEST, 1L)
        .containsEntry(
            DelegationFailures.SANDBOX_NOT_CONFIGURED
                + "/"
                + DelegationFailures.SANDBOX_NOT_CONFIGURED,
            2L);
    assertThat(digest.failures()).isEqualTo(12);
    assertThat(digest.groups().get(0).examples()).isNotEmpty();
    assertThat(digest.diagnosis().status()).isEqualTo(Digest.Diagnosis.OFF);
    assertThat(stack.observer().digests()).first().isEqualTo(digest);
  }

  @Test
  void playbookEntry_fromEarlierRuns_reachesALaterUsePlaybookDriver_andItsHistory()
      throws Exception {
    runTwenty();
    stack.awaitOps(20, Duration.ofSeconds(60));
    Playbook playbook = stack.observer().playbook().orElseThrow();
    assertThat(playbook.entries())
        .extracting(PlaybookEntry::taskClass)
        .contains("run{suite=alpha}");
    PlaybookEntry entry =
        playbook.entries().stream()
            .filter(e -> e.taskClass().equals("run{suite=alpha}"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.successes()).isEqualTo(8);
    assertThat(entry.models()).anyMatch(m -> m.startsWith("tally-scripted"));

    int before = stack.router.requests().size();
    RunResult later = run("run-with-playbook", winnerRequest("later task").withUsePlaybook(true));
    assertThat(later.kind()).isEqualTo(RunResult.WINNER);

    JsonNode driverCall =
        stack.router.requests().subList(before, stack.router.requests().size()).stream()
            .filter(r -> r.path("tools").size() > 0)
            .findFirst()
            .orElseThrow();
    String system = driverCall.path("messages").get(0).path("content").asText();
    assertThat(system).contains("Playbook v").contains("run{suite=alpha}").contains("8 of ");

    String history = stack.client.fetchHistory("run-with-playbook").toJson(false);
    // Payloads are encoded in the JSON; the activity's type is plain, its result decoded below.
    assertThat(history).contains("PlaybookFor");
    Long version =
        stack.client.fetchHistory("run-with-playbook").getEvents().stream()
            .filter(e -> e.hasActivityTaskCompletedEventAttributes())
            .map(
                e ->
                    stack
                        .client
                        .getOptions()
                        .getDataConverter()
                        .fromPayloads(
                            0,
                            java.util.Optional.of(
                                e.getActivityTaskCompletedEventAttributes().getResult()),
                            PlaybookExcerpt.class,
                            PlaybookExcerpt.class))
            .filter(x -> x != null && x.version() != null && !x.entries().isEmpty())
            .peek(x -> assertThat(x.taskClass()).isEqualTo("run{suite=alpha}"))
            .map(PlaybookExcerpt::version)
            .findFirst()
            .orElseThrow();
    assertThat(system).contains("Playbook v" + version);

    stack.awaitOps(21, Duration.ofSeconds(30));
    Op op =
        stack.observer().log(0).ops().stream()
            .filter(o -> o.runId().equals("run-with-playbook"))
            .findFirst()
            .orElseThrow();
    assertThat(op.playbookVersion()).isEqualTo(version);
  }

  @Test
  void usePlaybook_beforeAnyObserverExists_runsWithoutOne() {
    RunResult r = run("run-first-ever", winnerRequest("first").withUsePlaybook(true));

    assertThat(r.kind()).isEqualTo(RunResult.WINNER);
    JsonNode driverCall =
        stack.router.requests().stream()
            .filter(q -> q.path("tools").size() > 0)
            .findFirst()
            .orElseThrow();
    assertThat(driverCall.path("messages").get(0).path("content").asText())
        .doesNotContain("Playbook v");
  }

  private void runTwenty() {
    for (int i = 0; i < 8; i++) {
      String id = "run-win-" + i;
      record(id, run(id, winnerRequest("win task " + i)));
    }
    for (int i = 0; i < 3; i++) {
      String id = "run-starved-" + i;
      RunRequest starved =
          new RunRequest(
              TextNode.valueOf("starved task " + i),
              Budget.of(10, 40),
              Budget.of(1, 20),
              null,
              null,
              null,
              null,
              null,
              new EvalRunLabels(null, SUITE));
      record(id, run(id, starved));
    }
    for (int i = 0; i < 3; i++) {
      String id = "run-cancelled-" + i;
      SupervisedRunWorkflow run = stub(id);
      BatchRequest start = stack.client.newSignalWithStartRequest();
      start.add(run::run, winnerRequest("cancelled task " + i));
      start.add(run::cancel, new CancelRequest("operator changed their mind", null));
      stack.client.signalWithStart(start);
      record(id, WorkflowStub.fromTyped(run).getResult(RunResult.class));
    }
    for (int i = 0; i < 2; i++) {
      String id = "run-driverfail-" + i;
      RunRequest broken =
          new RunRequest(
              TextNode.valueOf("broken task " + i),
              new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
              Budget.of(2, 50_000),
              null,
              null,
              null,
              new DriverSettings(RecordingRouter.MISSING_MODEL, null, null),
              null,
              new EvalRunLabels(null, SUITE));
      record(id, run(id, broken));
    }
    String invalid = "run-invalid-0";
    RunRequest noBudget =
        new RunRequest(
            TextNode.valueOf("no budget"), null, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> run(invalid, noBudget)).isInstanceOf(WorkflowFailedException.class);
    expected.put(
        invalid,
        new Expected(Op.REFUSED, Op.INVALID_REQUEST, Failures.INVALID_RUN_REQUEST, Spend.ZERO));

    for (int i = 0; i < 2; i++) {
      String id = "dlg-ui-" + i;
      JsonNode args =
          Json.parse(
              "{\"workspaceDir\":\"/tmp/ws"
                  + i
                  + "\",\"routes\":[{\"name\":\"home\",\"url\":\"http://127.0.0.1:1/\"}]}");
      DelegationResult r = delegation(id).run(DelegationRequest.of("ui-auditor", args, null));
      expected.put(
          id,
          new Expected(
              Op.FAILED,
              r.error().kind(),
              r.error().kind(),
              r.spent() == null ? Spend.unknown(0) : r.spent()));
    }
    String badDelegation = "dlg-invalid-0";
    assertThatThrownBy(
            () ->
                delegation(badDelegation).run(DelegationRequest.of("nope", Json.parse("{}"), null)))
        .isInstanceOf(WorkflowFailedException.class)
        .hasRootCauseInstanceOf(ApplicationFailure.class);
    expected.put(
        badDelegation,
        new Expected(
            Op.REFUSED,
            Op.INVALID_REQUEST,
            DelegationFailures.INVALID_DELEGATION_REQUEST,
            Spend.ZERO));
    assertThat(expected).hasSize(20);
  }

  private void record(String id, RunResult r) {
    boolean winner = RunResult.WINNER.equals(r.kind());
    String outcome =
        winner ? Op.WINNER : RunResult.CANCELLED.equals(r.reason()) ? Op.CANCELLED : Op.NO_WINNER;
    expected.put(
        id,
        new Expected(
            outcome,
            winner ? null : r.reason(),
            r.error() == null ? null : r.error().type(),
            r.spentTotal()));
  }

  private static RunRequest winnerRequest(String task) {
    return new RunRequest(
        TextNode.valueOf(task),
        new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
        Budget.of(2, 50_000),
        null,
        null,
        null,
        null,
        null,
        new EvalRunLabels(null, SUITE));
  }

  private RunResult run(String id, RunRequest request) {
    return stub(id).run(request);
  }

  private SupervisedRunWorkflow stub(String id) {
    return stack.client.newWorkflowStub(
        SupervisedRunWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(ObserverStack.QUEUE).build());
  }

  private DelegationWorkflow delegation(String id) {
    return stack.client.newWorkflowStub(
        DelegationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(ObserverStack.QUEUE).build());
  }

  private static Map<String, Long> counts(Map<String, OpsTally> groups) {
    Map<String, Long> out = new HashMap<>();
    groups.forEach((k, v) -> out.put(k, v.ops()));
    return new TreeMap<>(out);
  }
}
