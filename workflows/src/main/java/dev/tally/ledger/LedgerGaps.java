package dev.tally.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Work in a run's history that has no matching ledger entry: router calls the run's own node
 * completed (each one billed) beyond its {@code metered} entries, router calls still in flight, and
 * child workflows started beyond its {@code spawned} entries. A ledger with such gaps is a floor,
 * not a total, and must never be shown as an exact amount.
 *
 * @param routerCallsCompleted {@code RouterChat} activities that completed in this history
 * @param routerCallsInFlight {@code RouterChat} activities scheduled and not closed
 * @param meteredOnRunNode {@code metered} entries on the run's own node
 * @param childrenStarted child workflows this history started
 * @param spawnedEntries {@code spawned} entries
 */
public record LedgerGaps(
    int routerCallsCompleted,
    int routerCallsInFlight,
    int meteredOnRunNode,
    int childrenStarted,
    int spawnedEntries) {

  /** The node a run's judge calls are metered on, after the run's id. */
  public static final String JUDGE_NODE_SUFFIX = ":judge";

  /** The activity type of a router call. */
  public static final String ROUTER_CHAT_TYPE = "RouterChat";

  /** The gaps of run {@code runId}'s history, given the entries rebuilt from it. */
  public static LedgerGaps of(String historyJson, String runId, List<LedgerEntry> entries) {
    Objects.requireNonNull(runId, "runId");
    JsonNode root = Json.parse(historyJson);
    JsonNode events = root.has("events") ? root.get("events") : root;
    List<Long> scheduled = new ArrayList<>();
    int completed = 0;
    int closed = 0;
    int children = 0;
    for (JsonNode e : events) {
      JsonNode s = e.get("activityTaskScheduledEventAttributes");
      if (s != null && ROUTER_CHAT_TYPE.equals(s.path("activityType").path("name").asText())) {
        scheduled.add(e.path("eventId").asLong());
      }
      if (e.has("startChildWorkflowExecutionInitiatedEventAttributes")) {
        children++;
      }
      Long of = closedActivity(e);
      if (of != null && scheduled.contains(of)) {
        closed++;
        if (e.has("activityTaskCompletedEventAttributes")) {
          completed++;
        }
      }
    }
    int metered = 0;
    int spawned = 0;
    for (LedgerEntry entry : entries) {
      if (entry instanceof LedgerEntry.Metered m
          && (runId.equals(m.id()) || (runId + JUDGE_NODE_SUFFIX).equals(m.id()))) {
        metered++;
      }
      if (entry instanceof LedgerEntry.Spawned) {
        spawned++;
      }
    }
    return new LedgerGaps(completed, scheduled.size() - closed, metered, children, spawned);
  }

  /** Whether every billed call and every spawn in the history is on the ledger. */
  public boolean none() {
    return routerCallsInFlight == 0
        && routerCallsCompleted <= meteredOnRunNode
        && childrenStarted <= spawnedEntries;
  }

  /** What is missing, in words, or null when nothing is. */
  public String describe() {
    if (none()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (routerCallsCompleted > meteredOnRunNode) {
      out.add(
          routerCallsCompleted
              + " completed router call(s) but "
              + meteredOnRunNode
              + " metered entr(ies) on the run's node");
    }
    if (routerCallsInFlight > 0) {
      out.add(routerCallsInFlight + " router call(s) still in flight (their cost is not in yet)");
    }
    if (childrenStarted > spawnedEntries) {
      out.add(childrenStarted + " child workflow(s) started but " + spawnedEntries + " spawned");
    }
    return String.join("; ", out);
  }

  private static Long closedActivity(JsonNode e) {
    for (String kind :
        List.of(
            "activityTaskCompletedEventAttributes",
            "activityTaskFailedEventAttributes",
            "activityTaskTimedOutEventAttributes",
            "activityTaskCanceledEventAttributes")) {
      JsonNode a = e.get(kind);
      if (a != null) {
        return a.path("scheduledEventId").asLong();
      }
    }
    return null;
  }
}
