package dev.tally.router.scripted;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.meter.MeterBatch;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.supervise.SupervisedRunWorkflowImpl;
import dev.tally.supervise.WorkerTaskWorkflowImpl;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A whole supervised run (embedded Temporal test server, the production workflows and activities)
 * against the scripted router over loopback HTTP: the run's ledger must equal what the router
 * billed, to the last token and the last digit of every dollar.
 */
class ScriptedRunEndToEndTest {
  private static final String TASK = "Name three properties of a conserved budget";

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              SupervisedRunWorkflowImpl.class, WorkerTaskWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private ScriptedRouter router = ScriptedRouter.start(0, 3);
  private final List<LedgerEntry> sunk = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    router.close();
  }

  /**
   * A workflow id that is not plain ASCII through the real HTTP client and a loopback router: the
   * JDK refuses such a header value, so before the key was hashed every call failed before it was
   * sent. Now the run wins and each call carries a stable hashed key of its own.
   */
  @Test
  void nonAsciiWorkflowId_runsToAWinner_everyCallKeyedByTheHashOfItsId(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    worker.registerActivitiesImplementations(
        RouterChatActivitiesImpl.create(router.config(), new InMemoryBlobStore()),
        new MeterActivitiesImpl(List.of((key, runId, entry) -> sunk.add(entry))),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
    String runId = "run-\u00fcmlaut-\u65e5\u672c";
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setTaskQueue(worker.getTaskQueue())
                .build());

    RunResult result =
        run.run(
            new RunRequest(
                TextNode.valueOf(TASK),
                new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
                Budget.of(2, 50_000),
                null,
                null,
                null,
                null,
                null,
                null));

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).startsWith(runId + ":s");
    List<BilledCall> billed = router.billed();
    assertThat(billed).hasSizeGreaterThan(3);
    assertThat(billed)
        .extracting(BilledCall::idempotencyKey)
        .allMatch(k -> k.matches("sha256:[0-9a-f]{64}"))
        .doesNotHaveDuplicates();
    assertThat(result.spentTotal().inputTokens()).isEqualTo(router.totals().promptTokens());
  }

  @Test
  void threeWorkerRun_ledgerEqualsWhatTheRouterBilled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    worker.registerActivitiesImplementations(
        RouterChatActivitiesImpl.create(router.config(), new InMemoryBlobStore()),
        new MeterActivitiesImpl(List.of((key, runId, entry) -> sunk.add(entry))),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
    String runId = "run-e2e";
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    RunRequest request =
        new RunRequest(
            TextNode.valueOf(TASK),
            new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
            Budget.of(2, 50_000),
            null,
            null,
            null,
            null,
            null,
            null);

    RunResult result = run.run(request);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.output()).startsWith(ScriptedRouter.PREFIX);
    List<BilledCall> billed = router.billed();
    assertThat(billed).filteredOn(c -> c.role().equals("worker")).hasSize(3);
    Spend total = result.spentTotal();
    BilledTotals all = router.totals();
    assertThat(total.inputTokens()).isEqualTo(all.promptTokens());
    assertThat(total.outputTokens()).isEqualTo(all.completionTokens());
    assertThat(total.usd()).isEqualByComparingTo(all.costUsd());
    assertThat(total.usd().signum()).isPositive();
    assertThat(total.usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(total.tokensKnown()).isTrue();

    BilledTotals driver =
        BilledTotals.of(billed.stream().filter(c -> c.role().equals("driver")).toList());
    BilledTotals workers =
        BilledTotals.of(billed.stream().filter(c -> c.role().equals("worker")).toList());
    assertSame(result.spentBreakdown().driverInference(), driver);
    assertSame(result.spentBreakdown().childWork(), workers);

    LedgerView view = WorkflowStub.fromTyped(run).query("ledger", LedgerView.class);
    assertThat(view.totals().spentTotal().sameAs(total)).isTrue();
    LedgerTotals rebuilt = LedgerTotals.of(ledgerFromHistory(client, runId));
    assertThat(rebuilt.spentTotal().sameAs(total)).as("ledger rebuilt from history").isTrue();
    assertThat(rebuilt.driverInference().sameAs(result.spentBreakdown().driverInference()))
        .isTrue();
    assertThat(LedgerTotals.of(sunk).spentTotal().sameAs(total)).as("what the meter saw").isTrue();
  }

  @Test
  void historyBytesPerDriverTurn_doNotGrowWithTheConversation(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    // Two routers whose drivers make 10 and 80 turns of about 2 KB each, on one worker.
    router.close();
    router = ScriptedRouter.start(0, new ScriptedRouter.Options(0, 9, 2048));
    ScriptedRouter longer = ScriptedRouter.start(0, new ScriptedRouter.Options(0, 79, 2048));
    try {
      RouterChatActivitiesImpl shortChat =
          RouterChatActivitiesImpl.create(router.config(), new InMemoryBlobStore());
      RouterChatActivitiesImpl longChat =
          RouterChatActivitiesImpl.create(longer.config(), new InMemoryBlobStore());
      // One worker serves both runs; each run's model name picks its router.
      worker.registerActivitiesImplementations(
          new RoutedByRun(shortChat, longChat),
          new MeterActivitiesImpl(),
          VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
      env.start();

      double shortPerTurn = historyBytesPerTurn(client, worker, "short-run", 10);
      double longPerTurn = historyBytesPerTurn(client, worker, "long-run", 80);

      assertThat(router.billed()).hasSize(10);
      assertThat(longer.billed()).hasSize(80);
      assertThat(longPerTurn / shortPerTurn)
          .as(
              "history bytes per turn: %.0f at 10 turns, %.0f at 80 turns",
              shortPerTurn, longPerTurn)
          .isLessThanOrEqualTo(1.5);
      LoggerFactory.getLogger(ScriptedRunEndToEndTest.class)
          .info(
              "history bytes per driver turn: {} at 10 turns, {} at 80 turns",
              Math.round(shortPerTurn),
              Math.round(longPerTurn));
    } finally {
      longer.close();
    }
  }

  /** Sends each run's calls to the chat activity of the router that scripts it. */
  private record RoutedByRun(RouterChatActivitiesImpl shortRun, RouterChatActivitiesImpl longRun)
      implements RouterChatActivities {
    @Override
    public ChatTurnReply routerChat(ChatTurnRequest request) {
      return request.runId().startsWith("long")
          ? longRun.routerChat(request)
          : shortRun.routerChat(request);
    }
  }

  private static double historyBytesPerTurn(
      WorkflowClient client, Worker worker, String runId, int turns) {
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    RunResult result =
        run.run(
            new RunRequest(
                TextNode.valueOf(TASK),
                Budget.of(10, 10_000_000),
                Budget.of(1, 1_000),
                0,
                null,
                null,
                null,
                null,
                null));
    assertThat(result.spentTotal().inputTokens()).isPositive();
    long bytes = client.fetchHistory(runId).getHistory().getSerializedSize();
    return (double) bytes / turns;
  }

  private static void assertSame(Spend spend, BilledTotals billed) {
    assertThat(spend.inputTokens()).isEqualTo(billed.promptTokens());
    assertThat(spend.outputTokens()).isEqualTo(billed.completionTokens());
    assertThat(spend.usd()).isEqualByComparingTo(billed.costUsd());
  }

  /**
   * The ledger as anyone holding the run's history can read it, without Tally's workflow code: the
   * inputs of the {@code Meter} local-activity markers.
   */
  private static List<LedgerEntry> ledgerFromHistory(WorkflowClient client, String workflowId) {
    List<LedgerEntry> entries = new ArrayList<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      if (!e.hasMarkerRecordedEventAttributes()) {
        continue;
      }
      var details = e.getMarkerRecordedEventAttributes().getDetailsMap();
      Payloads type = details.get("type");
      Payloads input = details.get("input");
      if (type == null
          || input == null
          || !type.getPayloads(0).getData().toStringUtf8().contains("Meter")) {
        continue;
      }
      MeterBatch batch =
          Json.convert(Json.parse(input.getPayloads(0).getData().toStringUtf8()), MeterBatch.class);
      entries.addAll(batch.entries());
    }
    assertThat(entries).as("Meter markers in history").isNotEmpty();
    return entries;
  }
}
