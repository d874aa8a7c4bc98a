package dev.tally.router.scripted;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testing.Chains;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A long supervised run through the production activities and the scripted router over loopback
 * HTTP: it continues-as-new several times, and the ledger walked along the chain equals what the
 * router billed, token for token and to the last digit of every dollar.
 */
class LongRunOverHttpTest {
  private static final int TURNS = 300;

  private final ScriptedRouter router =
      ScriptedRouter.start(0, new ScriptedRouter.Options(3, TURNS, 0));
  private TestWorkflowEnvironment env;

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    router.close();
  }

  @Test
  void runThroughSeveralContinues_chainLedgerEqualsTheRouterBill() {
    env =
        SupervisedRunEnv.start(
            false, RouterChatActivitiesImpl.create(router.config(), new InMemoryBlobStore()));
    WorkflowClient client = env.getWorkflowClient();
    String id = "run-long-http";
    SupervisedRunWorkflow run =
        client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(SupervisedRunEnv.QUEUE)
                .build());
    RunRequest request =
        new RunRequest(
                TextNode.valueOf("a long coordination"),
                new Budget(100L, 10_000_000L, new BigDecimal("10.00"), null),
                Budget.of(2, 50_000),
                TURNS + 10,
                null,
                null,
                null,
                null,
                null)
            .withLongRun(null, null, RunRequest.MIN_CONTINUE_AS_NEW_AFTER_EVENTS);

    WorkflowExecution first = WorkflowClient.start(run::run, request);
    RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    List<WorkflowExecutionHistory> chain = Chains.histories(client, id, first.getRunId());
    assertThat(chain).as("runs in the chain").hasSizeGreaterThanOrEqualTo(3);
    BilledTotals billed = router.totals();
    Spend fromChain = LedgerTotals.of(Chains.entries(id, chain)).spentTotal();
    assertThat(fromChain.inputTokens()).isEqualTo(billed.promptTokens());
    assertThat(fromChain.outputTokens()).isEqualTo(billed.completionTokens());
    assertThat(fromChain.usd()).isEqualByComparingTo(billed.costUsd());
    assertThat(fromChain.sameAs(result.spentTotal())).isTrue();
    assertThat(router.billed())
        .filteredOn(c -> c.role().equals("driver"))
        .hasSizeGreaterThan(TURNS);
  }
}
