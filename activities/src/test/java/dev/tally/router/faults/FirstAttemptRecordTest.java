package dev.tally.router.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.BlobStore;
import dev.tally.blob.BlobStoreException;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatBackend;
import dev.tally.router.ConversationStore;
import dev.tally.router.OpenAiChatBackend;
import dev.tally.router.PriceCatalog;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.router.faults.FaultRouter.Answer;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first attempt of a router call does not announce itself with a heartbeat before sending (a
 * round trip per model call saved); what keeps the ledger honest is that every other way it ends
 * leaves a record, so a retry that finds none counts the first attempt as sent. Both halves, over
 * real loopback HTTP through the production activity and workflows.
 */
class FirstAttemptRecordTest {
  private static final String MODEL = "gpt-5-nano";

  private TestWorkflowEnvironment env;
  private FaultRouter router;

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    if (router != null) {
      router.close();
    }
  }

  @Test
  void firstAttemptEndsWithoutARecord_retryCountsItAsSentOfUnknownCost() {
    router = new FaultRouter((i, p, b) -> Answer.ok(FaultRouter.completion(p)));
    RouterConfig config = config();
    OpenAiChatBackend http = new OpenAiChatBackend(config.baseUrl(), null, config.requestTimeout());
    AtomicInteger calls = new AtomicInteger();
    // The first call reaches the router (and is billed), then its attempt ends the way a killed
    // worker's does as far as Temporal can tell: no receipt and no record of what it cost.
    ChatBackend diesAfterTheFirstSend =
        call -> {
          var completion = http.complete(call);
          if (calls.getAndIncrement() == 0) {
            throw new AssertionError("attempt ended abruptly after the router answered");
          }
          return completion;
        };
    RunResult result = run(activities(diesAfterTheFirstSend, new InMemoryBlobStore()));
    Spend ledger = ledgerFromHistory();

    assertThat(router.exchanges()).as("the call and its retry").hasSize(2);
    assertThat(ledger.sameAs(result.spentTotal())).isTrue();
    assertThat(ledger.usdSource())
        .as("the lost attempt is unknown, never free")
        .isEqualTo(UsdSource.UNKNOWN);
    assertThat(ledger.tokens()).as("a floor of what was billed").isLessThan(router.billedTokens());
    assertThat(ledger.tokens()).as("the retry's receipt is counted").isPositive();
  }

  @Test
  void firstAttemptFailsBeforeSending_retryIsMeteredExactly() {
    // Turn 1 asks for await_event so that turn 2 has a conversation to load; turn 2's first load
    // finds the store unreachable (retryable), nothing is sent, and the retry answers.
    router =
        new FaultRouter(
            (i, p, b) ->
                Answer.ok(
                    i == 0
                        ? "{\"model\":\"gpt-5-nano\",\"choices\":[{\"message\":{\"role\":"
                            + "\"assistant\",\"content\":\"wait\",\"tool_calls\":[{\"id\":\"c1\","
                            + "\"type\":\"function\",\"function\":{\"name\":\"await_event\","
                            + "\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                            + FaultRouter.usage(p)
                            + "}"
                        : FaultRouter.completion(p)));
    InMemoryBlobStore stored = new InMemoryBlobStore();
    AtomicInteger reads = new AtomicInteger();
    BlobStore firstReadFails =
        new BlobStore() {
          @Override
          public String put(byte[] bytes) {
            return stored.put(bytes);
          }

          @Override
          public Optional<byte[]> get(String ref) {
            if (reads.getAndIncrement() == 0) {
              throw new BlobStoreException(
                  BlobStoreException.Kind.UNAVAILABLE, "store down for one read", null);
            }
            return stored.get(ref);
          }
        };
    OpenAiChatBackend http =
        new OpenAiChatBackend(config().baseUrl(), null, config().requestTimeout());
    RunResult result = run(activities(http, firstReadFails));
    Spend ledger = ledgerFromHistory();

    assertThat(reads.get()).as("the failed read and the retry's").isEqualTo(2);
    assertThat(router.exchanges()).as("two turns, nothing sent by the failed attempt").hasSize(2);
    assertThat(ledger.sameAs(result.spentTotal())).isTrue();
    assertThat(ledger.tokensKnown()).as("no attempt counted as unknown").isTrue();
    assertThat(ledger.tokens()).isEqualTo(router.billedTokens());
    assertThat(ledger.usdSource()).isEqualTo(UsdSource.CATALOG);
  }

  private RouterConfig config() {
    return new RouterConfig(router.baseUrl(), null, MODEL, MODEL, null, Duration.ofSeconds(1));
  }

  /** The production activity without a segment cache, so every turn reads the store. */
  private RouterChatActivitiesImpl activities(ChatBackend backend, BlobStore blobs) {
    return new RouterChatActivitiesImpl(
        backend, new ConversationStore(blobs, 0), PriceCatalog.load(null), config());
  }

  private RunResult run(RouterChatActivitiesImpl activities) {
    env = SupervisedRunEnv.start(true, activities);
    SupervisedRunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-first-attempt")
                    .setTaskQueue(SupervisedRunEnv.QUEUE)
                    .build());
    return run.run(
        new RunRequest(
            TextNode.valueOf("first attempt"),
            Budget.of(4, 100_000),
            Budget.of(1, 5_000),
            4,
            null,
            null,
            new DriverSettings(MODEL, MODEL, null),
            null,
            null));
  }

  private Spend ledgerFromHistory() {
    var stub = env.getWorkflowClient().newUntypedWorkflowStub("run-first-attempt");
    var execution = stub.getExecution();
    String json =
        env.getWorkflowClient()
            .fetchHistory(execution.getWorkflowId(), execution.getRunId())
            .toJson(true);
    return LedgerTotals.of(LedgerRebuilder.fromHistoryJson(json)).spentTotal();
  }
}
