package dev.tally.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one reader of ledger entries in a Temporal history's JSON ({@code temporal workflow show -o
 * json}, the UI's download, {@code WorkflowExecutionHistory.toJson}): every rebuild, export and
 * summary reads entries through here, so they cannot disagree about what the ledger holds.
 *
 * <p>Every entry is the input of a {@code Meter} call, recorded either as a local activity's marker
 * (its {@code type} and {@code input} details) or as a scheduled activity's input. Entries are
 * deduplicated by their key {@code <runId>/<kind>/<seq>}: a batch written twice (a retried local
 * activity, both forms in one history, or two runs of a continue-as-new chain read together) counts
 * once.
 */
public final class MeterEntries {
  /** The activity type whose inputs are the ledger. */
  public static final String METER_TYPE = "Meter";

  private static final String LOCAL_ACTIVITY_MARKER = "LocalActivity";

  private MeterEntries() {}

  /**
   * One entry as a history holds it.
   *
   * @param key its idempotency key {@code <runId>/<kind>/<seq>}
   * @param runId the ledger's run id (the workflow id, the same along a continue-as-new chain)
   * @param entry the entry
   */
  public record Found(String key, String runId, LedgerEntry entry) {}

  /** The {@code events} array of a history's JSON (an object with {@code events}, or the array). */
  public static JsonNode events(String historyJson) {
    JsonNode root = Json.parse(historyJson);
    JsonNode events = root.has("events") ? root.get("events") : root;
    if (!events.isArray()) {
      throw new IllegalArgumentException(
          "history: expected a JSON object with an \"events\" array, got "
              + root.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return events;
  }

  /** Every entry of one history, in event order, each key once. */
  public static List<LedgerEntry> of(String historyJson) {
    return of(events(historyJson), new LinkedHashSet<>());
  }

  /**
   * The entries of {@code events} whose keys are not in {@code seen}, in event order; their keys
   * are added to {@code seen}, so several histories read with one set give each entry once.
   */
  public static List<LedgerEntry> of(JsonNode events, Set<String> seen) {
    List<LedgerEntry> out = new ArrayList<>();
    for (JsonNode event : events) {
      for (Found f : newIn(event, seen)) {
        out.add(f.entry());
      }
    }
    return out;
  }

  /** The entries one event carries whose keys are not yet in {@code seen} (which gains them). */
  public static List<Found> newIn(JsonNode event, Set<String> seen) {
    List<JsonNode> batches = batches(event);
    if (batches.isEmpty()) {
      return List.of();
    }
    List<Found> out = new ArrayList<>();
    for (JsonNode batch : batches) {
      String runId = batch.path("runId").asText();
      for (JsonNode raw : batch.path("entries")) {
        LedgerEntry entry = Json.convert(raw, LedgerEntry.class);
        String key = entry.key(runId);
        if (seen.add(key)) {
          out.add(new Found(key, runId, entry));
        }
      }
    }
    return out;
  }

  /** The run id of the first {@code Meter} batch in {@code events}, or null when there is none. */
  public static String firstRunId(JsonNode events) {
    for (JsonNode event : events) {
      for (JsonNode batch : batches(event)) {
        if (batch.hasNonNull("runId")) {
          return batch.get("runId").asText();
        }
      }
    }
    return null;
  }

  /**
   * The {@code Meter} batches (as JSON) an event carries: the input of a local activity marker of
   * type {@code Meter}, or of a scheduled {@code Meter} activity; empty for every other event.
   */
  public static List<JsonNode> batches(JsonNode event) {
    JsonNode marker = event.get("markerRecordedEventAttributes");
    if (marker != null) {
      if (!LOCAL_ACTIVITY_MARKER.equals(marker.path("markerName").asText())) {
        return List.of();
      }
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
