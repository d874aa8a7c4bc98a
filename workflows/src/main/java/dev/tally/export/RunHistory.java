package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.MeterEntries;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's Temporal history says, read from its JSON alone ({@code temporal workflow show -o
 * json}, the UI's download, {@code WorkflowExecutionHistory.toJson}) without Tally's workflow code:
 * the request, the ledger, the ending, and when each worker started and closed.
 *
 * @param workflowId the run's workflow id, from its first ledger batch or its first child's parent
 *     (null when the history names neither)
 * @param workflowType the workflow type, e.g. {@code SupervisedRun}
 * @param input the workflow's input as JSON, or null
 * @param startedAtMs when the run started
 * @param closedAtMs when it closed, or null while it runs
 * @param status {@code running}, {@code completed}, {@code failed}, {@code cancelled}, {@code
 *     terminated}, {@code timed-out} or {@code continued-as-new}
 * @param result the run's result: the completion's, else the {@code outcome} memo (a cancelled run
 *     keeps it there); null when neither exists
 * @param failure the closing failure's type and message, when it failed or was terminated
 * @param ledger the ledger entries in history order
 * @param events every history event, for readers that need more
 * @param workers per child workflow id: when it was initiated and closed
 */
public record RunHistory(
    String workflowId,
    String workflowType,
    JsonNode input,
    long startedAtMs,
    Long closedAtMs,
    String status,
    RunResult result,
    RunResult.ErrorInfo failure,
    List<LedgerEntry> ledger,
    List<JsonNode> events,
    Map<String, WorkerSpan> workers) {

  public static final String RUNNING = "running";

  /** One child workflow's life as the parent's history records it. */
  public record WorkerSpan(String workflowId, long initiatedAtMs, Long closedAtMs, String status) {
    /** How long it ran, or null while it runs. */
    public Long durationMs() {
      return closedAtMs == null ? null : Math.max(0, closedAtMs - initiatedAtMs);
    }
  }

  /** Parses a history's JSON text. */
  public static RunHistory parse(String historyJson) {
    return parse(Json.parse(historyJson));
  }

  /** Parses a history's JSON, already read. */
  public static RunHistory parse(JsonNode root) {
    JsonNode eventsNode = root.has("events") ? root.get("events") : root;
    if (!eventsNode.isArray() || eventsNode.isEmpty()) {
      throw new IllegalArgumentException(
          "history: expected a JSON object with a non-empty \"events\" array");
    }
    List<JsonNode> events = new ArrayList<>();
    eventsNode.forEach(events::add);
    JsonNode started = events.get(0).path("workflowExecutionStartedEventAttributes");
    if (started.isMissingNode()) {
      throw new IllegalArgumentException(
          "history: expected the first event to be WorkflowExecutionStarted, got "
              + events.get(0).path("eventType").asText("an event without a type"));
    }
    String type = started.path("workflowType").path("name").asText(null);
    JsonNode input = firstPayload(started.path("input"));
    long startedAt = timeMs(events.get(0));

    String status = RUNNING;
    Long closedAt = null;
    RunResult result = null;
    RunResult memoOutcome = null;
    RunResult.ErrorInfo failure = null;
    Map<Long, String> childByInitiatedId = new LinkedHashMap<>();
    Map<String, WorkerSpan> workers = new LinkedHashMap<>();
    String workflowId = null;
    for (JsonNode e : events) {
      JsonNode a;
      if ((a = e.get("startChildWorkflowExecutionInitiatedEventAttributes")) != null) {
        String childId = a.path("workflowId").asText();
        childByInitiatedId.put(e.path("eventId").asLong(), childId);
        workers.put(childId, new WorkerSpan(childId, timeMs(e), null, RUNNING));
        if (workflowId == null) {
          JsonNode assignment = firstPayload(a.path("input"));
          if (assignment != null && assignment.hasNonNull("parentId")) {
            workflowId = assignment.get("parentId").asText();
          }
        }
        continue;
      }
      String childStatus = childClosedStatus(e);
      if (childStatus != null) {
        JsonNode attrs = childClosedAttributes(e);
        String childId = childByInitiatedId.get(attrs.path("initiatedEventId").asLong());
        if (childId == null) {
          childId = attrs.path("workflowExecution").path("workflowId").asText();
        }
        WorkerSpan open = workers.get(childId);
        long initiated = open == null ? timeMs(e) : open.initiatedAtMs();
        workers.put(childId, new WorkerSpan(childId, initiated, timeMs(e), childStatus));
        continue;
      }
      if ((a = e.get("workflowPropertiesModifiedEventAttributes")) != null) {
        JsonNode outcome = a.path("upsertedMemo").path("fields").path("outcome");
        if (!outcome.isMissingNode()) {
          memoOutcome = Json.convert(payload(outcome), RunResult.class);
        }
        continue;
      }
      if ((a = e.get("workflowExecutionCompletedEventAttributes")) != null) {
        status = "completed";
        closedAt = timeMs(e);
        JsonNode r = firstPayload(a.path("result"));
        if (r != null && r.isObject() && r.has("kind")) {
          result = Json.convert(r, RunResult.class);
        }
      } else if ((a = e.get("workflowExecutionFailedEventAttributes")) != null) {
        status = "failed";
        closedAt = timeMs(e);
        failure = failureInfo(a.path("failure"));
      } else if (e.has("workflowExecutionCanceledEventAttributes")) {
        status = "cancelled";
        closedAt = timeMs(e);
      } else if ((a = e.get("workflowExecutionTerminatedEventAttributes")) != null) {
        status = "terminated";
        closedAt = timeMs(e);
        failure = new RunResult.ErrorInfo("Terminated", a.path("reason").asText(""));
      } else if (e.has("workflowExecutionTimedOutEventAttributes")) {
        status = "timed-out";
        closedAt = timeMs(e);
      } else if (e.has("workflowExecutionContinuedAsNewEventAttributes")) {
        status = "continued-as-new";
        closedAt = timeMs(e);
      }
    }
    List<LedgerEntry> ledger = MeterEntries.of(eventsNode, new HashSet<>());
    if (workflowId == null) {
      workflowId = MeterEntries.firstRunId(eventsNode);
    }
    return new RunHistory(
        workflowId,
        type,
        input,
        startedAt,
        closedAt,
        status,
        result != null ? result : memoOutcome,
        failure,
        ledger,
        List.copyOf(events),
        workers);
  }

  /**
   * One workflow read across its continue-as-new chain, first run first: its identity, input and
   * start from the first run, its ending from the last, its workers from all of them, and the
   * ledger of the whole chain (every entry once, in order). {@link #events} are every run's events
   * one after the other; event ids start again at 1 in each run.
   */
  public static RunHistory ofChain(List<RunHistory> runs, List<LedgerEntry> chainLedger) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("history chain: expected at least one run, got none");
    }
    if (runs.size() == 1) {
      return runs.get(0);
    }
    RunHistory first = runs.get(0);
    RunHistory last = runs.get(runs.size() - 1);
    String workflowId = null;
    List<JsonNode> events = new ArrayList<>();
    Map<String, WorkerSpan> workers = new LinkedHashMap<>();
    for (RunHistory run : runs) {
      if (workflowId == null) {
        workflowId = run.workflowId();
      }
      events.addAll(run.events());
      run.workers().forEach((id, span) -> workers.merge(id, span, RunHistory::later));
    }
    return new RunHistory(
        workflowId,
        first.workflowType(),
        first.input(),
        first.startedAtMs(),
        last.closedAtMs(),
        last.status(),
        last.result(),
        last.failure(),
        List.copyOf(chainLedger),
        List.copyOf(events),
        workers);
  }

  /** A worker seen by two runs: started in the earlier, closed (if at all) in the later. */
  private static WorkerSpan later(WorkerSpan earlier, WorkerSpan later) {
    return new WorkerSpan(
        earlier.workflowId(), earlier.initiatedAtMs(), later.closedAtMs(), later.status());
  }

  /** The input as a {@link RunRequest}, or null when this is not a supervised run. */
  public RunRequest runRequest() {
    if (!"SupervisedRun".equals(workflowType) || input == null || !input.isObject()) {
      return null;
    }
    return Json.convert(input, RunRequest.class);
  }

  /** The completion's result as JSON, or null while open or when it closed otherwise. */
  public JsonNode completedResult() {
    for (JsonNode e : events) {
      JsonNode a = e.get("workflowExecutionCompletedEventAttributes");
      if (a != null) {
        return firstPayload(a.path("result"));
      }
    }
    return null;
  }

  /** How long each worker ran, for the ones that closed. */
  public Map<String, Long> workerDurationsMs() {
    Map<String, Long> out = new LinkedHashMap<>();
    workers.forEach(
        (id, span) -> {
          if (span.durationMs() != null) {
            out.put(id, span.durationMs());
          }
        });
    return out;
  }

  /**
   * The run's eval record as its history holds it, or null when the run asked for no eval export. A
   * closed run gives its {@code finished} or {@code errored} event; a run still open gives its
   * progress so far as {@code generation-complete}.
   *
   * @param runId the run's workflow id
   * @param nowMs the instant to stamp an open run's record with
   */
  public EvalRunEvent evalRecord(String runId, long nowMs) {
    if ("Delegation".equals(workflowType)) {
      // A delegation files its record when it ends and keeps it in its result.
      JsonNode r = completedResult();
      return r != null && r.hasNonNull("evalRecord")
          ? Json.convert(r.get("evalRecord"), EvalRunEvent.class)
          : null;
    }
    RunRequest request = runRequest();
    if (request == null || request.evalRun() == null) {
      return null;
    }
    if (result != null) {
      return EvalRunEvents.from(
          runId,
          request.evalRun(),
          ledger,
          result,
          workerDurationsMs(),
          startedAtMs,
          closedAtMs == null ? nowMs : closedAtMs);
    }
    if (closedAtMs != null) {
      String why = failure != null ? failure.type() + ": " + failure.message() : "run " + status;
      return EvalRunEvents.errored(runId, request.evalRun(), ledger, why, startedAtMs, closedAtMs);
    }
    return EvalRunEvents.progress(
        runId, request.evalRun(), ledger, workerDurationsMs(), startedAtMs, nowMs);
  }

  /** The event's time in epoch milliseconds. */
  public static long timeMs(JsonNode event) {
    String t = event.path("eventTime").asText(null);
    if (t == null) {
      return 0;
    }
    return Instant.parse(t).toEpochMilli();
  }

  /** The first payload of a {@code Payloads} object as JSON, or null when there is none. */
  public static JsonNode firstPayload(JsonNode payloads) {
    JsonNode list = payloads.path("payloads");
    if (!list.isArray() || list.isEmpty()) {
      return null;
    }
    return payload(list.get(0));
  }

  /** One {@code json/plain} payload as JSON; {@code binary/null} is JSON null. */
  public static JsonNode payload(JsonNode payload) {
    String encoding = base64Text(payload.path("metadata").path("encoding"));
    if ("binary/null".equals(encoding)) {
      return Json.CANONICAL.nullNode();
    }
    if (!"json/plain".equals(encoding)) {
      throw new IllegalArgumentException(
          "history: expected json/plain payloads, got encoding \"" + encoding + "\"");
    }
    return Json.parse(base64Text(payload.path("data")));
  }

  private static String base64Text(JsonNode node) {
    return new String(Base64.getDecoder().decode(node.asText("")), StandardCharsets.UTF_8);
  }

  private static RunResult.ErrorInfo failureInfo(JsonNode f) {
    String type = f.path("applicationFailureInfo").path("type").asText(null);
    if (type == null || type.isEmpty()) {
      type = f.path("source").asText("Failure");
    }
    return new RunResult.ErrorInfo(type, f.path("message").asText(""));
  }

  private static final String[][] CHILD_CLOSED = {
    {"childWorkflowExecutionCompletedEventAttributes", "completed"},
    {"childWorkflowExecutionFailedEventAttributes", "failed"},
    {"childWorkflowExecutionCanceledEventAttributes", "cancelled"},
    {"childWorkflowExecutionTerminatedEventAttributes", "terminated"},
    {"childWorkflowExecutionTimedOutEventAttributes", "timed-out"},
    {"startChildWorkflowExecutionFailedEventAttributes", "not-started"},
  };

  private static String childClosedStatus(JsonNode e) {
    for (String[] c : CHILD_CLOSED) {
      if (e.has(c[0])) {
        return c[1];
      }
    }
    return null;
  }

  private static JsonNode childClosedAttributes(JsonNode e) {
    for (String[] c : CHILD_CLOSED) {
      if (e.has(c[0])) {
        return e.get(c[0]);
      }
    }
    throw new IllegalStateException("not a child close event");
  }
}
