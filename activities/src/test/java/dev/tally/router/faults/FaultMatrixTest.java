package dev.tally.router.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.BlobStore;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault a router call can meet, over real loopback HTTP through the production {@code
 * RouterChat} activity and workflows: the ledger rebuilt from the run's history equals what the
 * router billed where that is knowable, and is marked unknown (a floor) where it is not; a call the
 * router billed is never on the ledger as an exact zero.
 */
class FaultMatrixTest {
  private static final String MODEL = "gpt-5-nano";

  /** Whether the ledger can know the bill exactly. */
  enum Knowable {
    EXACT,
    UNKNOWN
  }

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

  static Stream<Arguments> faults() {
    return Stream.of(
        fault(
            "plain answer (baseline)",
            Knowable.EXACT,
            1,
            (i, p, b) -> Answer.ok(FaultRouter.completion(p))),
        fault(
            "2xx without choices, usage present",
            Knowable.EXACT,
            1,
            (i, p, b) -> Answer.ok("{\"model\":\"gpt-5-nano\"," + FaultRouter.usage(p) + "}")),
        fault(
            "2xx with empty choices, usage present",
            Knowable.EXACT,
            1,
            (i, p, b) -> Answer.ok("{\"choices\":[]," + FaultRouter.usage(p) + "}")),
        fault(
            "2xx content not a string, usage present",
            Knowable.EXACT,
            1,
            (i, p, b) ->
                Answer.ok(
                    "{\"choices\":[{\"message\":{\"content\":42}}]," + FaultRouter.usage(p) + "}")),
        fault(
            "2xx truncated JSON, usage before the cut",
            Knowable.EXACT,
            1,
            (i, p, b) ->
                Answer.ok(
                    "{" + FaultRouter.usage(p) + ",\"choices\":[{\"message\":{\"content\":\"do")),
        fault(
            "2xx truncated JSON, no usage",
            Knowable.UNKNOWN,
            1,
            (i, p, b) -> Answer.ok("{\"choices\":[{\"message\":{\"content\":\"do")),
        fault(
            "2xx not JSON at all",
            Knowable.UNKNOWN,
            1,
            (i, p, b) -> Answer.ok("<html>bad gateway</html>")),
        fault("2xx empty body", Knowable.UNKNOWN, 1, (i, p, b) -> Answer.ok("")),
        fault(
            // Over Jackson's 20,000,000-character string limit: the body cannot be bound, but the
            // usage after the content is still read from its text.
            "2xx body over 20 MB, usage after the content",
            Knowable.EXACT,
            1,
            (i, p, b) ->
                Answer.ok(
                    "{\"choices\":[{\"message\":{\"content\":\""
                        + "x".repeat(21_000_000)
                        + "\"}}],"
                        + FaultRouter.usage(p)
                        + "}")),
        fault(
            "2xx usage above 2^63",
            Knowable.UNKNOWN,
            1,
            (i, p, b) ->
                Answer.ok(
                    FaultRouter.completion(p)
                        .replace(
                            "\"prompt_tokens\":" + p, "\"prompt_tokens\":18446744073709551617"))),
        fault(
            "2xx usage as fractions",
            Knowable.UNKNOWN,
            1,
            (i, p, b) ->
                Answer.ok(
                    FaultRouter.completion(p)
                        .replace("\"prompt_tokens\":" + p, "\"prompt_tokens\":" + p + ".5"))),
        fault(
            "503 then a plain answer",
            Knowable.EXACT,
            2,
            (i, p, b) ->
                i == 0
                    ? new Answer(503, "{\"error\":\"overloaded\"}", false, false)
                    : Answer.ok(FaultRouter.completion(p))),
        fault(
            "429 then a plain answer",
            Knowable.EXACT,
            2,
            (i, p, b) ->
                i == 0
                    ? new Answer(429, "{\"error\":\"slow down\"}", false, false)
                    : Answer.ok(FaultRouter.completion(p))),
        fault(
            "timeout then a plain answer",
            Knowable.UNKNOWN,
            2,
            (i, p, b) ->
                i == 0 ? new Answer(200, "", true, true) : Answer.ok(FaultRouter.completion(p))),
        fault(
            "400 (never billed)",
            Knowable.EXACT,
            1,
            (i, p, b) -> new Answer(400, "{\"error\":\"bad\"}", false, false)));
  }

  private static Arguments fault(
      String name, Knowable knowable, int requests, FaultRouter.Script script) {
    return Arguments.of(name, knowable, requests, script);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void driverTurnFault_ledgerFromHistory_matchesTheBillOrSaysUnknown(
      String name, Knowable knowable, int requests, FaultRouter.Script script) {
    router = new FaultRouter(script);
    RunResult result = run(new InMemoryBlobStore());
    Spend ledger = ledgerFromHistory();

    assertThat(router.exchanges()).as("requests the router received").hasSize(requests);
    assertThat(ledger)
        .as("rebuilt ledger equals the run's spentTotal")
        .satisfies(l -> assertThat(l.sameAs(result.spentTotal())).isTrue());
    long billed = router.billedTokens();
    if (knowable == Knowable.EXACT) {
      assertThat(ledger.tokensKnown()).isTrue();
      assertThat(ledger.tokens()).isEqualTo(billed);
      assertThat(ledger.usdSource()).isEqualTo(billed == 0 ? UsdSource.BILLED : UsdSource.CATALOG);
    } else {
      assertThat(ledger.tokensKnown() && ledger.usdKnown()).as("marked unknown").isFalse();
      assertThat(ledger.usdSource()).isEqualTo(UsdSource.UNKNOWN);
      assertThat(ledger.tokens()).as("a floor of what was billed").isLessThanOrEqualTo(billed);
    }
    if (billed > 0) {
      assertThat(ledger.tokens() == 0 && ledger.tokensKnown() && ledger.usdKnown())
          .as("a billed call is never an exact zero")
          .isFalse();
    }
  }

  @org.junit.jupiter.api.Test
  void storeNotWritableAfterTheCall_billedOnceAndMeteredExactly() {
    router = new FaultRouter((i, p, b) -> Answer.ok(FaultRouter.completion(p)));
    BlobStore readOnly =
        new BlobStore() {
          @Override
          public String put(byte[] bytes) {
            throw new IllegalStateException("blob store is read-only");
          }

          @Override
          public Optional<byte[]> get(String ref) {
            return Optional.empty();
          }
        };
    RunResult result = run(readOnly);
    Spend ledger = ledgerFromHistory();

    assertThat(router.exchanges()).as("not retried into a second bill").hasSize(1);
    assertThat(result.error().type()).isEqualTo("ConversationStoreFailed");
    assertThat(ledger.tokensKnown()).isTrue();
    assertThat(ledger.tokens()).isEqualTo(router.billedTokens());
    assertThat(ledger.usdSource()).isEqualTo(UsdSource.CATALOG);
  }

  private RunResult run(BlobStore blobs) {
    RouterConfig config =
        new RouterConfig(router.baseUrl(), null, MODEL, MODEL, null, Duration.ofSeconds(1));
    env = SupervisedRunEnv.start(true, RouterChatActivitiesImpl.create(config, blobs));
    SupervisedRunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("run-fault")
                    .setTaskQueue("tally")
                    .build());
    return run.run(
        new RunRequest(
            TextNode.valueOf("fault"),
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
    var stub = env.getWorkflowClient().newUntypedWorkflowStub("run-fault");
    var execution = stub.getExecution();
    String json =
        env.getWorkflowClient()
            .fetchHistory(execution.getWorkflowId(), execution.getRunId())
            .toJson(true);
    List<LedgerEntry> entries = LedgerRebuilder.fromHistoryJson(json);
    return LedgerTotals.of(entries).spentTotal();
  }
}
