package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.LedgerRebuilder;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.worker.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that knows nothing of Tally's Java types, as a TypeScript, Go or Python client would be:
 * it starts {@code SupervisedRun} by type name with a plain map, and reads the result, the {@code
 * status} query and the {@code ledger} query as plain JSON.
 */
class PlainJsonClientTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static WorkflowStub untyped(WorkflowClient client, String id) {
    return client.newUntypedWorkflowStub(
        "SupervisedRun",
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("tally").build());
  }

  @Test
  void mapInput_untypedStub_resultAndQueriesReadAsJson() {
    // A connection of its own: nothing shared with the CLI or the worker but the server address.
    try (TemporalConnection other = TemporalConnection.open(STACK.address(), "default")) {
      Map<String, Object> input =
          Map.of(
              "task", "Name three ways to cut LLM agent costs",
              "budget", Map.of("maxIterations", 8, "maxTokens", 60000, "maxUsd", 0.5),
              "perWorker", Map.of("maxIterations", 1, "maxTokens", 8000, "maxUsd", 0.05));
      WorkflowStub run = untyped(other.client(), "json-client-run");
      run.start(input);

      JsonNode result = run.getResult(JsonNode.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> asMap = run.getResult(Map.class);
      JsonNode status = run.query("status", JsonNode.class);
      JsonNode ledger = run.query("ledger", JsonNode.class);

      assertThat(result.get("kind").asText()).isEqualTo("WINNER");
      assertThat(result.get("winnerId").asText()).startsWith("json-client-run:s");
      assertThat(asMap).containsEntry("kind", "WINNER").containsKey("spentTotal");
      assertThat(status.get("phase").asText()).isEqualTo("done");
      assertThat(status.get("workers").size()).isEqualTo(3);
      long resultTokens =
          result.at("/spentTotal/inputTokens").asLong()
              + result.at("/spentTotal/outputTokens").asLong();
      assertThat(
              ledger.at("/totals/spentTotal/inputTokens").asLong()
                  + ledger.at("/totals/spentTotal/outputTokens").asLong())
          .isEqualTo(resultTokens);
      // And the ledger in its history, rebuilt without Tally's workflow code, agrees.
      Spend rebuilt =
          LedgerTotals.of(
                  LedgerRebuilder.fromHistoryJson(
                      other.client().fetchHistory("json-client-run").toJson(true)))
              .spentTotal();
      assertThat(rebuilt.tokens()).isEqualTo(resultTokens);
      assertThat(rebuilt.usd()).isEqualByComparingTo(result.at("/spentTotal/usd").decimalValue());
    }
  }

  @Test
  void mapInput_badBudgetField_failsFastNamingTheField() {
    try (TemporalConnection other = TemporalConnection.open(STACK.address(), "default")) {
      WorkflowStub run = untyped(other.client(), "json-client-bad");
      run.start(
          Map.of(
              "task", "x",
              "budget", Map.of("maxIterations", 8, "maxTokens", -1),
              "perWorker", Map.of("maxIterations", 1, "maxTokens", 8000)));

      assertThatThrownBy(() -> run.getResult(JsonNode.class))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo("InvalidRunRequest");
                assertThat(f.getOriginalMessage()).contains("budget.maxTokens");
              });
      Cli.Result status = Cli.run(STACK.env(), "status", "json-client-bad");
      assertThat(status.exitCode()).isZero();
      assertThat(status.out()).contains("FAILED").contains("InvalidRunRequest");
      assertThat(List.of(status.out().split("\\R"))).anyMatch(l -> l.contains("budget.maxTokens"));
    }
  }
}
