package dev.tally.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a run's ledger from its Temporal history alone, without running any of Tally's workflow
 * code: the history JSON of {@code temporal workflow show -o json}, the Temporal UI's download, or
 * {@code WorkflowExecutionHistory.toJson}.
 *
 * <p>Every ledger entry is the input of a {@code Meter} call: a local activity marker (its {@code
 * type} and {@code input} details) or a scheduled activity. Entries are deduplicated by their key
 * {@code <runId>/<kind>/<seq>}, so a batch written twice counts once.
 */
public final class LedgerRebuilder {
  /** The activity type whose inputs are the ledger. */
  public static final String METER_TYPE = "Meter";

  private LedgerRebuilder() {}

  /** The ledger entries in history order. */
  public static List<LedgerEntry> fromHistoryJson(String historyJson) {
    JsonNode root = Json.parse(historyJson);
    JsonNode events = root.has("events") ? root.get("events") : root;
    if (!events.isArray()) {
      throw new IllegalArgumentException(
          "history: expected a JSON object with an \"events\" array, got "
              + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    Map<String, LedgerEntry> byKey = new LinkedHashMap<>();
    for (JsonNode event : events) {
      for (JsonNode batch : meterInputs(event)) {
        String runId = batch.path("runId").asText();
        for (JsonNode e : batch.path("entries")) {
          LedgerEntry entry = Json.convert(e, LedgerEntry.class);
          byKey.putIfAbsent(entry.key(runId), entry);
        }
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static List<JsonNode> meterInputs(JsonNode event) {
    JsonNode marker = event.get("markerRecordedEventAttributes");
    if (marker != null && "LocalActivity".equals(marker.path("markerName").asText())) {
      JsonNode details = marker.path("details");
      List<JsonNode> type = decode(details.path("type"));
      if (type.size() == 1 && METER_TYPE.equals(type.get(0).asText())) {
        return decode(details.path("input"));
      }
      return List.of();
    }
    JsonNode scheduled = event.get("activityTaskScheduledEventAttributes");
    if (scheduled != null
        && METER_TYPE.equals(scheduled.path("activityType").path("name").asText())) {
      return decode(scheduled.path("input"));
    }
    return List.of();
  }

  /** Decodes a {@code Payloads} object holding {@code json/plain} payloads. */
  private static List<JsonNode> decode(JsonNode payloads) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : payloads.path("payloads")) {
      String encoding = text(p.path("metadata").path("encoding"));
      if (!"json/plain".equals(encoding)) {
        throw new IllegalArgumentException(
            "history: expected json/plain Meter payloads, got encoding \"" + encoding + "\"");
      }
      out.add(Json.parse(text(p.path("data"))));
    }
    return out;
  }

  private static String text(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText("")), StandardCharsets.UTF_8);
  }
}
