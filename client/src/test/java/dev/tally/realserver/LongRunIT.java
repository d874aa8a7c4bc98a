package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.embedded.DevStack;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.router.RouterConfig;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.RunSearchAttributes;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.worker.WorkerConfig;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long runs on Temporal's own server (SPEC §8): how the server applies a parent close policy when a
 * parent continues-as-new, and Tally's design for it (root workers abandoned by policy, settling by
 * signal into whichever run of the chain is current).
 */
class LongRunIT {
  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  private static WatchingRouter router;
  private static DevStack stack;

  @BeforeAll
  static void start() throws Exception {
    router = WatchingRouter.start(90);
    Map<String, String> env = new LinkedHashMap<>();
    env.put(WorkerConfig.TALLY_DATA_DIR, REAL.dir().resolve("data").toString());
    env.put(RouterConfig.BASE_URL_ENV, router.baseUrl());
    env.put(RouterConfig.DRIVER_MODEL_ENV, WatchingRouter.MODEL);
    env.put(RouterConfig.WORKER_MODEL_ENV, WatchingRouter.MODEL);
    env.put(RouterConfig.TIMEOUT_ENV, String.valueOf(Duration.ofMinutes(5).toMillis()));
    stack = DevStack.beside(REAL.server(), env, false);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (router != null) {
      router.close();
    }
  }

  @Test
  void workerAliveAcrossContinueAsNew_keepsRunning_andSettlesIntoTheCurrentRun() {
    WorkflowClient client = REAL.connection().client();
    String id = "run-long-real";
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(stack.config().taskQueue())
                .setTypedSearchAttributes(RunSearchAttributes.atStart("run", null))
                .build());
    RunRequest request =
        new RunRequest(
                TextNode.valueOf("watch one worker for a long time"),
                new Budget(10L, 10_000_000L, new BigDecimal("5.00"), 3_600_000L),
                Budget.of(1, 100_000),
                0,
                null,
                null,
                null,
                null,
                null)
            .withLongRun(null, null, RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS);

    WorkflowExecution first = WorkflowClient.start(run::run, request);
    awaitTrue(() -> !currentRunId(client, id).equals(first.getRunId()), "a continue-as-new");
    WorkflowExecutionStatus workerAfterContinue = statusOf(client, id + ":s1");
    router.releaseWorker();
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(workerAfterContinue)
        .as("the worker once its parent's run continued-as-new")
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    assertThat(result.winnerId()).isEqualTo(id + ":s1");
    assertThat(router.budgetLines())
        .as("every driver request carried the budget line")
        .isEqualTo(router.driverTurns());
    assertThat(statusOf(client, id + ":s1"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    List<List<LedgerEntry>> chain = ledgerByRun(client, id, first.getRunId());
    assertThat(chain).hasSizeGreaterThanOrEqualTo(2);
    assertThat(chain.get(0)).noneMatch(e -> e instanceof LedgerEntry.Settled);
    assertThat(chain.get(chain.size() - 1).get(0)).isInstanceOf(LedgerEntry.Carried.class);
    Map<String, LedgerEntry> byKey = new LinkedHashMap<>();
    chain.forEach(run1 -> run1.forEach(e -> byKey.putIfAbsent(e.key(id), e)));
    Spend total = LedgerTotals.of(new ArrayList<>(byKey.values())).spentTotal();
    long calls = router.billedCalls();
    assertThat(total.sameAs(result.spentTotal())).isTrue();
    assertThat(total.tokens())
        .isEqualTo(calls * (WatchingRouter.PROMPT_TOKENS + WatchingRouter.COMPLETION_TOKENS));
    assertThat(total.usd())
        .isEqualByComparingTo(WatchingRouter.COST.multiply(BigDecimal.valueOf(calls)));
    String status =
        client
            .newUntypedWorkflowStub(id)
            .describe()
            .getTypedSearchAttributes()
            .get(RunSearchAttributes.STATUS);
    assertThat(status)
        .as("TallyStatus of the chain's last run")
        .isEqualTo(RunSearchAttributes.WINNER);
  }

  /** A parent that starts a child with the given policy and continues-as-new once. */
  @WorkflowInterface
  public interface ParentProbe {
    @WorkflowMethod(name = "LongRunITParentProbe")
    void run(String policy, boolean continued);
  }

  @WorkflowInterface
  public interface ChildProbe {
    @WorkflowMethod(name = "LongRunITChildProbe")
    void run();
  }

  public static final class ParentProbeImpl implements ParentProbe {
    @Override
    public void run(String policy, boolean continued) {
      if (continued) {
        return;
      }
      ChildProbe child =
          Workflow.newChildWorkflowStub(
              ChildProbe.class,
              ChildWorkflowOptions.newBuilder()
                  .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-child")
                  .setParentClosePolicy(ParentClosePolicy.valueOf(policy))
                  .build());
      Async.procedure(child::run);
      Workflow.getWorkflowExecution(child).get();
      Workflow.continueAsNew(policy, true);
    }
  }

  public static final class ChildProbeImpl implements ChildProbe {
    @Override
    public void run() {
      Workflow.sleep(Duration.ofMinutes(10));
    }
  }

  @Test
  void serverAppliesTheParentClosePolicyWhenAParentContinuesAsNew() {
    WorkflowClient client = REAL.connection().client();
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker("long-run-it-probe");
    worker.registerWorkflowImplementationTypes(ParentProbeImpl.class, ChildProbeImpl.class);
    factory.start();
    try {
      for (String policy :
          List.of(
              ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE.name(),
              ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON.name())) {
        String parentId = "probe-" + policy;
        ParentProbe parent =
            client.newWorkflowStub(
                ParentProbe.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(parentId)
                    .setTaskQueue("long-run-it-probe")
                    .build());
        parent.run(policy, false);
        WorkflowExecutionStatus expected =
            policy.equals(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE.name())
                ? WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED
                : WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        awaitTrue(
            () -> statusOf(client, parentId + "-child") == expected,
            "child of a continued parent with " + policy + " to be " + expected);
        if (expected == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          client.newUntypedWorkflowStub(parentId + "-child").terminate("probe done");
        }
      }
    } finally {
      factory.shutdownNow();
    }
  }

  private static List<List<LedgerEntry>> ledgerByRun(
      WorkflowClient client, String id, String firstRunId) {
    List<List<LedgerEntry>> out = new ArrayList<>();
    String runId = firstRunId;
    while (runId != null) {
      var history = client.fetchHistory(id, runId);
      out.add(LedgerRebuilder.fromHistoryJson(history.toJson(false)));
      HistoryEvent last = history.getLastEvent();
      runId =
          last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return out;
  }

  private static String currentRunId(WorkflowClient client, String id) {
    return client.newUntypedWorkflowStub(id).describe().getExecution().getRunId();
  }

  private static WorkflowExecutionStatus statusOf(WorkflowClient client, String id) {
    return client.newUntypedWorkflowStub(id).describe().getStatus();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
