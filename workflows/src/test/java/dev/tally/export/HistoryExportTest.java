package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle export over histories captured from real runs. */
class HistoryExportTest {
  private static final String WINNER = Histories.load("hist-winner.json");
  private static final String NESTED = Histories.load("hist-nested.json");

  private static List<String> types(List<ObjectNode> records) {
    return records.stream().map(r -> r.path("record").asText()).toList();
  }

  @Test
  void export_winnerHistory_isTheLifecycleInOrder() {
    List<ObjectNode> records = HistoryExport.records("hist-winner", WINNER);

    assertThat(types(records))
        .containsExactly(
            "run-started",
            "turn",
            "dispatch",
            "dispatch",
            "turn",
            "settlement",
            "settlement",
            "turn",
            "turn",
            "run-ended");
    assertThat(records)
        .filteredOn(r -> r.path("record").asText().equals("turn"))
        .extracting(r -> r.path("turn").asInt())
        .containsExactly(0, 1, 2, 3);
    assertThat(records.get(1).path("toolCalls").toString())
        .isEqualTo("[\"spawn_worker\",\"spawn_worker\"]");
    ObjectNode end = records.get(records.size() - 1);
    assertThat(end.path("status").asText()).isEqualTo("completed");
    assertThat(end.path("kind").asText()).isEqualTo("WINNER");
    assertThat(end.path("ledgerTotal")).isEqualTo(end.path("spentTotal"));
    assertThat(records)
        .allSatisfy(r -> assertThat(r.path("runId").asText()).isEqualTo("hist-winner"));
  }

  @Test
  void export_budgetSnapshots_followTheLedger() {
    List<ObjectNode> records = HistoryExport.records("hist-winner", WINNER);
    long maxTokens = records.get(0).path("budget").path("maxTokens").asLong();

    List<JsonNode> snapshots = new ArrayList<>();
    records.stream()
        .filter(r -> r.has("budget") && r.path("budget").has("spentTokens"))
        .forEach(r -> snapshots.add(r.path("budget")));
    assertThat(snapshots).hasSize(6);
    for (JsonNode s : snapshots) {
      assertThat(s.path("tokensLeft").asLong())
          .isEqualTo(
              maxTokens - s.path("reservedTokens").asLong() - s.path("spentTokens").asLong());
    }
    // While both workers ran, both reservations were held.
    assertThat(records.get(4).path("budget").path("openReservations").asInt()).isEqualTo(2);
    JsonNode last = snapshots.get(snapshots.size() - 1);
    JsonNode total = records.get(records.size() - 1).path("spentTotal");
    assertThat(last.path("spentTokens").asLong())
        .isEqualTo(total.path("inputTokens").asLong() + total.path("outputTokens").asLong());
    assertThat(last.path("openReservations").asInt()).isZero();
  }

  @Test
  void export_nestedDriver_isRehomedOnceWithItsTurns() {
    List<ObjectNode> records = HistoryExport.records("hist-nested", NESTED);

    ObjectNode rehomed =
        records.stream()
            .filter(r -> r.path("record").asText().equals("rehomed"))
            .findFirst()
            .orElseThrow();
    assertThat(rehomed.path("workerId").asText()).isEqualTo("hist-nested:s1");
    assertThat(rehomed.path("turns").asInt()).isEqualTo(3);
    ObjectNode end = records.get(records.size() - 1);
    assertThat(end.path("ledgerTotal")).isEqualTo(end.path("spentTotal"));
  }

  @Test
  void export_everyRecord_keepsOnlyItsAllowListedFields() {
    List<ObjectNode> records = new ArrayList<>(HistoryExport.records("hist-winner", WINNER));
    records.addAll(HistoryExport.records("hist-nested", NESTED));

    for (ObjectNode r : records) {
      List<String> names = new ArrayList<>();
      r.fieldNames().forEachRemaining(names::add);
      assertThat(HistoryExport.ALLOWED.get(r.path("record").asText()))
          .as("fields of %s", r.path("record").asText())
          .containsAll(names);
    }
  }

  @Test
  void export_inputsAndOutputs_appearOnlyAsStableHashes() {
    String jsonl = HistoryExport.toJsonl("hist-winner", WINNER);

    assertThat(jsonl).doesNotContain("two workers").doesNotContain("answer to part");
    assertThat(jsonl).doesNotContain("part 1").doesNotContain("coordinate workers");
    String taskHash =
        Json.sha256Ref(
            Json.canonical(TextNode.valueOf("two workers")).getBytes(StandardCharsets.UTF_8));
    assertThat(jsonl).contains("\"taskHash\":\"" + taskHash + "\"");
    assertThat(HistoryExport.toJsonl("hist-winner", WINNER)).isEqualTo(jsonl);
    assertThat(jsonl.lines()).hasSize(10).allSatisfy(line -> Json.parse(line));
  }

  @Test
  void export_secretsInTheInput_areRedacted() {
    String planted =
        Histories.withInput(
            WINNER,
            input -> {
              ObjectNode labels = input.putObject("evalRun").putObject("labels");
              labels.put("note", "Authorization: Bearer sk-live-abcdef1234567890");
              labels.put("apiKey", "plain-value-xyz");
              labels.put("ref", "https://user:hunter2@example.com/x token=zzz999");
              input.put("task", "use sk-proj-ABCDEFGH12345678 to do it");
              return input;
            });

    String jsonl = HistoryExport.toJsonl("hist-winner", planted);

    assertThat(jsonl)
        .doesNotContain("sk-live-abcdef1234567890")
        .doesNotContain("plain-value-xyz")
        .doesNotContain("hunter2")
        .doesNotContain("zzz999")
        .doesNotContain("sk-proj-ABCDEFGH12345678")
        .contains("[redacted]");
    assertThat(jsonl).contains("\"evalLabels\"");
  }
}
