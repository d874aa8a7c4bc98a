package dev.tally.router.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.UsdSource;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.router.faults.FaultRouter.Answer;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancel stops spending: with every worker's router call hanging (a slow model), a cancelled run
 * aborts the calls in flight, sends no router request after the cancel, closes within 5 s, and its
 * workers settle {@code cancelled} with the aborted attempt's cost unknown, never $0.
 */
class CancelStopsSpendingTest {
  private static final String MODEL = "gpt-5-nano";
  private static final String SPAWN_TWO =
      "{\"model\":\"gpt-5-nano\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\","
          + "\"tool_calls\":["
          + "{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"spawn_worker\","
          + "\"arguments\":\"{\\\"profile\\\":\\\"chat\\\",\\\"task\\\":\\\"one\\\"}\"}},"
          + "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"spawn_worker\","
          + "\"arguments\":\"{\\\"profile\\\":\\\"chat\\\",\\\"task\\\":\\\"two\\\"}\"}},"
          + "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"await_event\","
          + "\"arguments\":\"{}\"}}]}}],"
          + FaultRouter.usage(100)
          + "}";

  private TestWorkflowEnvironment env;
  private FaultRouter router;

  @AfterEach
  void close() {
    env.close();
    router.close();
  }

  @Test
  void cancelWithSlowRouterCalls_closesWithin5sAndSendsNothingAfter() throws Exception {
    router =
        new FaultRouter(
            (i, p, body) -> i == 0 ? Answer.ok(SPAWN_TWO) : new Answer(200, "", true, true));
    RouterConfig config =
        new RouterConfig(router.baseUrl(), null, MODEL, MODEL, null, Duration.ofSeconds(60));
    env =
        SupervisedRunEnv.start(
            false, RouterChatActivitiesImpl.create(config, new InMemoryBlobStore()));
    SupervisedRunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-cancel")
                    .setTaskQueue("tally")
                    .build());
    WorkflowClient.start(
        run::run,
        new RunRequest(
            TextNode.valueOf("slow"),
            Budget.of(4, 100_000),
            Budget.of(1, 5_000),
            4,
            null,
            null,
            new DriverSettings(MODEL, MODEL, null),
            null,
            null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (router.exchanges().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(router.exchanges()).as("driver turn and both worker calls in flight").hasSize(3);

    long cancelledAt = System.nanoTime();
    run.cancel(new CancelRequest("operator cancel"));
    RunResult result = WorkflowStub.fromTyped(run).getResult(10, TimeUnit.SECONDS, RunResult.class);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);

    assertThat(tookMs).as("closed after the cancel (ms)").isLessThan(5_000);
    assertThat(result.reason()).isEqualTo(RunResult.CANCELLED);
    assertThat(router.exchanges())
        .as("router requests sent after the cancel")
        .noneMatch(e -> e.receivedAtNanos() > cancelledAt);
    var execution = WorkflowStub.fromTyped(run).getExecution();
    List<LedgerEntry> entries =
        LedgerRebuilder.fromHistoryJson(
            env.getWorkflowClient()
                .fetchHistory(execution.getWorkflowId(), execution.getRunId())
                .toJson(true));
    List<LedgerEntry.Cancelled> cancelled =
        entries.stream()
            .filter(LedgerEntry.Cancelled.class::isInstance)
            .map(LedgerEntry.Cancelled.class::cast)
            .toList();
    assertThat(cancelled).hasSize(2);
    assertThat(cancelled)
        .allSatisfy(
            c -> {
              assertThat(c.spent().usdSource()).isEqualTo(UsdSource.UNKNOWN);
              assertThat(c.spent().tokensKnown()).isFalse();
              assertThat(c.spent().iterations()).isEqualTo(1);
            });
    assertThat(result.spentTotal().usdKnown()).as("the run's total is a floor").isFalse();
  }
}
