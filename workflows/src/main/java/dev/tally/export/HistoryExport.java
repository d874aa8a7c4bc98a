package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.MeterEntries;
import dev.tally.ledger.Spend;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A run's lifecycle as JSON Lines, derived from its Temporal history alone: {@code run-started},
 * one {@code turn} per driver turn with the budget as it stood after it, {@code dispatch} per
 * spawned worker, {@code settlement} per settled or cancelled worker, {@code rehomed} per nested
 * driver's inference, {@code continued} where a run of a continue-as-new chain begins, {@code
 * raised} per {@code raiseBudget}, and {@code run-ended}.
 *
 * <p>A workflow that continued-as-new is exported as its whole chain ({@link RunChain}): one {@code
 * run-started}, the records of every run in order, one {@code run-ended}. A single continued run's
 * history exported alone starts from its {@code carried} totals, so its budget snapshots and {@code
 * ledgerTotal} are still the whole workflow's.
 *
 * <p>Nothing leaves unless its field is on the allow-list of its record ({@link #ALLOWED}): task
 * text, outputs, prompts and tool arguments never do. Inputs appear only as {@code sha256:} hashes
 * of their canonical JSON, so two exports of the same run agree and equal inputs are recognisable
 * without being readable. Every string passes through {@link Redactor}.
 */
public final class HistoryExport {
  /** The fields each record type may carry; anything else is dropped. */
  public static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "run-started",
          Set.of(
              "record",
              "runId",
              "at",
              "workflowType",
              "inputHash",
              "taskHash",
              "budget",
              "perWorker",
              "maxTurns",
              "maxDepth",
              "maxLiveWorkers",
              "workerProfiles",
              "driverModel",
              "workerModel",
              "evalRunDir",
              "evalLabels"),
          "turn",
          Set.of(
              "record",
              "runId",
              "at",
              "turn",
              "model",
              "inputTokens",
              "outputTokens",
              "tokensKnown",
              "usd",
              "usdSource",
              "toolCalls",
              "error",
              "budget"),
          "dispatch",
          Set.of(
              "record",
              "runId",
              "at",
              "workerId",
              "parent",
              "profile",
              "label",
              "budget",
              "taskHash",
              "seq"),
          "settlement",
          Set.of(
              "record",
              "runId",
              "at",
              "workerId",
              "status",
              "outRef",
              "score",
              "valid",
              "spent",
              "reason",
              "infra",
              "budgetViolation",
              "durationMs",
              "seq",
              "budget"),
          "rehomed",
          Set.of("record", "runId", "at", "workerId", "model", "turns", "spend", "seq", "budget"),
          "continued",
          Set.of("record", "runId", "at", "fromRunId", "carriedTotal", "seq", "budget"),
          "raised",
          Set.of("record", "runId", "at", "ceilings", "seq", "budget"),
          "run-ended",
          Set.of(
              "record",
              "runId",
              "at",
              "status",
              "kind",
              "reason",
              "detail",
              "error",
              "winnerId",
              "outRef",
              "downCount",
              "spentTotal",
              "ledgerTotal",
              "durationMs"));

  private static final String ROUTER_CHAT = "RouterChat";

  private HistoryExport() {}

  /** The lifecycle records of {@code runId}'s history, one JSON object per line, in order. */
  public static String toJsonl(String runId, String historyJson) {
    return toJsonl(RunChain.of(runId, List.of(historyJson)));
  }

  /** The lifecycle records of a whole continue-as-new chain, one JSON object per line. */
  public static String toJsonl(RunChain chain) {
    StringBuilder out = new StringBuilder();
    for (ObjectNode record : records(chain)) {
      out.append(Json.canonical(record)).append('\n');
    }
    return out.toString();
  }

  /** The lifecycle records of {@code runId}'s history, in order. */
  public static List<ObjectNode> records(String runId, String historyJson) {
    return records(RunChain.of(runId, List.of(historyJson)));
  }

  /** The lifecycle records of a whole continue-as-new chain, in order. */
  public static List<ObjectNode> records(RunChain chain) {
    return new Walk(chain.workflowId(), chain).run();
  }

  /** {@code sha256:<hex>} of {@code value}'s canonical JSON; deterministic across exports. */
  public static String hash(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return Json.sha256Ref(Json.canonical(value).getBytes(StandardCharsets.UTF_8));
  }

  /** One pass over a history, in event order. */
  private static final class Walk {
    private final String runId;
    private final RunChain chain;
    private final RunHistory history;
    private final List<ObjectNode> out = new ArrayList<>();
    // Event ids start again in every run of a chain: this map is per run.
    private Map<Long, ObjectNode> turnsByScheduledId = new HashMap<>();
    private final Map<Integer, ObjectNode> turns = new TreeMap<>();
    private final Set<Integer> emittedTurns = new HashSet<>();
    private final Map<String, JsonNode> childTasks = new HashMap<>();
    private final Set<String> ledgerKeys = new HashSet<>();
    private final Map<String, Budget> open = new LinkedHashMap<>();
    private Budget root;
    private Spend committed = Spend.ZERO;

    Walk(String runId, RunChain chain) {
      this.runId = runId;
      this.chain = chain;
      this.history = chain.history();
      RunRequest request = safeRequest(history);
      this.root = request == null ? null : request.budget();
    }

    List<ObjectNode> run() {
      out.add(started());
      for (RunChain.Run run : chain.runs()) {
        turnsByScheduledId = new HashMap<>();
        for (JsonNode e : run.events()) {
          event(e);
        }
      }
      // A failed turn with nothing metered has no ledger entry to hang on: report it at the end.
      turns.forEach(
          (n, turn) -> {
            if (!emittedTurns.contains(n) && turn.has("error")) {
              emit(turn);
            }
          });
      out.add(ended());
      for (ObjectNode record : out) {
        allowListed(record);
        Redactor.scrub(record);
      }
      return out;
    }

    private void event(JsonNode e) {
      JsonNode a;
      if ((a = e.get("activityTaskScheduledEventAttributes")) != null) {
        scheduled(e, a);
      } else if ((a = e.get("activityTaskCompletedEventAttributes")) != null) {
        ObjectNode turn = turnsByScheduledId.get(a.path("scheduledEventId").asLong());
        if (turn != null) {
          completed(turn, a);
        }
      } else if ((a = e.get("activityTaskFailedEventAttributes")) != null) {
        failed(e, turnsByScheduledId.get(a.path("scheduledEventId").asLong()), a);
      } else if ((a = e.get("activityTaskTimedOutEventAttributes")) != null) {
        failed(e, turnsByScheduledId.get(a.path("scheduledEventId").asLong()), a);
      } else if ((a = e.get("startChildWorkflowExecutionInitiatedEventAttributes")) != null) {
        JsonNode assignment = RunHistory.firstPayload(a.path("input"));
        if (assignment != null) {
          childTasks.put(a.path("workflowId").asText(), assignment.get("task"));
        }
      }
      for (MeterEntries.Found found : MeterEntries.newIn(e, ledgerKeys)) {
        apply(found.entry());
        ledgerRecord(found.entry(), RunHistory.timeMs(e));
      }
    }

    private ObjectNode started() {
      ObjectNode r = record("run-started", history.startedAtMs());
      r.put("workflowType", history.workflowType());
      r.put("inputHash", hash(history.input()));
      RunRequest request = safeRequest(history);
      if (request == null) {
        return r;
      }
      r.put("taskHash", hash(request.task()));
      r.set("budget", Json.CANONICAL.valueToTree(request.budget()));
      r.set("perWorker", Json.CANONICAL.valueToTree(request.perWorker()));
      r.put("maxTurns", request.maxTurnsOrDefault());
      r.put("maxDepth", request.maxDepthOrDefault());
      if (request.maxLiveWorkers() != null) {
        r.put("maxLiveWorkers", request.maxLiveWorkers());
      }
      r.set("workerProfiles", Json.CANONICAL.valueToTree(request.workerProfilesOrDefault()));
      DriverSettings d = request.driverOrDefault();
      r.put("driverModel", d.model());
      r.put("workerModel", d.workerModel());
      if (request.evalRun() != null) {
        r.put("evalRunDir", request.evalRun().runDir());
        r.set("evalLabels", Json.CANONICAL.valueToTree(request.evalRun().labels()));
      }
      return r;
    }

    private void scheduled(JsonNode e, JsonNode a) {
      if (!ROUTER_CHAT.equals(a.path("activityType").path("name").asText())) {
        return;
      }
      JsonNode input = RunHistory.firstPayload(a.path("input"));
      if (input == null || !"driver".equals(input.path("role").asText())) {
        return;
      }
      int n = input.path("turn").asInt();
      ObjectNode turn = record("turn", RunHistory.timeMs(e));
      turn.put("turn", n);
      if (input.hasNonNull("model")) {
        turn.put("model", input.get("model").asText());
      }
      turnsByScheduledId.put(e.path("eventId").asLong(), turn);
      turns.put(n, turn);
    }

    private void completed(ObjectNode turn, JsonNode a) {
      JsonNode reply = RunHistory.firstPayload(a.path("result"));
      if (reply == null) {
        return;
      }
      turn.put("model", reply.path("model").asText(null));
      ArrayNode names = turn.putArray("toolCalls");
      reply.path("toolCalls").forEach(c -> names.add(c.path("name").asText()));
    }

    private void failed(JsonNode e, ObjectNode turn, JsonNode a) {
      if (turn == null) {
        return;
      }
      JsonNode f = a.path("failure");
      String type = f.path("applicationFailureInfo").path("type").asText("");
      if (type.isEmpty()) {
        type = f.has("timeoutFailureInfo") ? "Timeout" : "ActivityFailure";
      }
      turn.put("at", Instant.ofEpochMilli(RunHistory.timeMs(e)).toString());
      turn.putObject("error").put("type", type).put("message", f.path("message").asText(""));
    }

    private void apply(LedgerEntry entry) {
      if (entry instanceof LedgerEntry.Spawned s) {
        open.put(s.id(), s.budget());
      } else if (entry instanceof LedgerEntry.Settled s) {
        open.remove(s.id());
        committed = committed.plus(s.spent());
      } else if (entry instanceof LedgerEntry.Cancelled c) {
        open.remove(c.id());
        committed = committed.plus(c.spent());
      } else if (entry instanceof LedgerEntry.Metered m) {
        committed = committed.plus(m.spend());
      } else if (entry instanceof LedgerEntry.Carried c) {
        // The whole workflow's spend so far: equal to the sum already walked when the chain was
        // read from its first run, and the only trace of it when one continued run is read alone.
        committed = c.totals().spentTotal();
      } else if (entry instanceof LedgerEntry.Raised r) {
        root = r.budget();
      }
    }

    private void ledgerRecord(LedgerEntry entry, long atMs) {
      if (entry instanceof LedgerEntry.Spawned s) {
        ObjectNode r = record("dispatch", atMs);
        r.put("workerId", s.id());
        r.put("parent", s.parent());
        r.put("profile", s.profile());
        r.put("label", s.label());
        r.set("budget", Json.CANONICAL.valueToTree(s.budget()));
        r.put("taskHash", hash(childTasks.get(s.id())));
        r.put("seq", s.seq());
        out.add(r);
      } else if (entry instanceof LedgerEntry.Settled s) {
        ObjectNode r = record("settlement", atMs);
        r.put("workerId", s.id());
        r.put("status", s.status());
        r.put("outRef", s.outRef());
        if (s.verdict() != null) {
          r.put("score", s.verdict().score());
          r.put("valid", s.verdict().valid());
        }
        r.set("spent", spend(s.spent()));
        r.put("reason", s.reason());
        if (s.infra() != null) {
          r.put("infra", s.infra());
        }
        if (s.budgetViolation() != null) {
          r.set("budgetViolation", Json.CANONICAL.valueToTree(s.budgetViolation()));
        }
        putDuration(r, s.id());
        r.put("seq", s.seq());
        r.set("budget", snapshot());
        out.add(r);
      } else if (entry instanceof LedgerEntry.Cancelled c) {
        ObjectNode r = record("settlement", atMs);
        r.put("workerId", c.id());
        r.put("status", "cancelled");
        r.set("spent", spend(c.spent()));
        r.put("reason", c.reason());
        putDuration(r, c.id());
        r.put("seq", c.seq());
        r.set("budget", snapshot());
        out.add(r);
      } else if (entry instanceof LedgerEntry.Carried c) {
        ObjectNode r = record("continued", atMs);
        r.put("fromRunId", c.fromRunId());
        r.set("carriedTotal", spend(c.totals().spentTotal()));
        r.put("seq", c.seq());
        r.set("budget", snapshot());
        out.add(r);
      } else if (entry instanceof LedgerEntry.Raised raised) {
        ObjectNode r = record("raised", atMs);
        r.set("ceilings", Json.CANONICAL.valueToTree(raised.budget()));
        r.put("seq", raised.seq());
        r.set("budget", snapshot());
        out.add(r);
      } else if (entry instanceof LedgerEntry.Metered m) {
        if (m.id().equals(runId) || m.id().equals(history.workflowId())) {
          ObjectNode turn =
              turns.computeIfAbsent(m.turn(), n -> record("turn", atMs).put("turn", n));
          turn.put("at", Instant.ofEpochMilli(atMs).toString());
          turn.put("model", m.model());
          turn.put("inputTokens", m.spend().inputTokens());
          turn.put("outputTokens", m.spend().outputTokens());
          turn.put("tokensKnown", m.spend().tokensKnown());
          turn.put("usd", m.spend().usd());
          turn.put("usdSource", m.spend().usdSource().name());
          turn.set("budget", snapshot());
          emit(turn);
        } else {
          ObjectNode r = record("rehomed", atMs);
          r.put("workerId", m.id());
          r.put("model", m.model());
          r.put("turns", m.turn());
          r.set("spend", spend(m.spend()));
          r.put("seq", m.seq());
          r.set("budget", snapshot());
          out.add(r);
        }
      }
    }

    private void emit(ObjectNode turn) {
      if (emittedTurns.add(turn.path("turn").asInt())) {
        out.add(turn);
      }
    }

    private ObjectNode ended() {
      long at = history.closedAtMs() == null ? history.startedAtMs() : history.closedAtMs();
      ObjectNode r = record("run-ended", at);
      r.put("status", history.status());
      RunResult result = history.result();
      if (result != null) {
        r.put("kind", result.kind());
        r.put("reason", result.reason());
        r.put("detail", result.detail());
        if (result.error() != null) {
          r.putObject("error")
              .put("type", result.error().type())
              .put("message", result.error().message());
        }
        r.put("winnerId", result.winnerId());
        r.put("outRef", result.outRef());
        r.put("downCount", result.downCount());
        if (result.spentTotal() != null) {
          r.set("spentTotal", spend(result.spentTotal()));
        }
      } else if (history.failure() != null) {
        r.putObject("error")
            .put("type", history.failure().type())
            .put("message", history.failure().message());
      }
      r.set("ledgerTotal", spend(LedgerTotals.of(history.ledger()).spentTotal()));
      if (history.closedAtMs() != null) {
        r.put("durationMs", history.closedAtMs() - history.startedAtMs());
      }
      return r;
    }

    /** The pool as the ledger so far implies it: ceilings less open reservations and spend. */
    private ObjectNode snapshot() {
      long reservedTokens = 0;
      long reservedIterations = 0;
      BigDecimal reservedUsd = BigDecimal.ZERO;
      for (Budget b : open.values()) {
        reservedTokens += b == null ? 0 : b.tokens();
        reservedIterations += b == null ? 0 : b.iterations();
        reservedUsd =
            reservedUsd.add(b == null || b.maxUsd() == null ? BigDecimal.ZERO : b.maxUsd());
      }
      ObjectNode s = Json.CANONICAL.createObjectNode();
      s.put("spentTokens", committed.tokens());
      s.put("spentUsd", committed.usd());
      s.put("reservedTokens", reservedTokens);
      s.put("openReservations", open.size());
      if (root != null) {
        s.put("tokensLeft", root.tokens() - reservedTokens - committed.tokens());
        s.put("iterationsLeft", root.iterations() - reservedIterations - committed.iterations());
        if (root.maxUsd() != null) {
          s.put("usdLeft", root.maxUsd().subtract(reservedUsd).subtract(committed.usd()));
        }
      }
      return s;
    }

    private void putDuration(ObjectNode r, String workerId) {
      RunHistory.WorkerSpan span = history.workers().get(workerId);
      if (span != null && span.durationMs() != null) {
        r.put("durationMs", span.durationMs());
      }
    }

    private ObjectNode record(String type, long atMs) {
      ObjectNode r = Json.CANONICAL.createObjectNode();
      r.put("record", type);
      r.put("runId", runId);
      r.put("at", Instant.ofEpochMilli(atMs).toString());
      return r;
    }

    private static ObjectNode spend(Spend s) {
      ObjectNode n = Json.CANONICAL.createObjectNode();
      n.put("iterations", s.iterations());
      n.put("inputTokens", s.inputTokens());
      n.put("outputTokens", s.outputTokens());
      n.put("usd", s.usd());
      n.put("tokensKnown", s.tokensKnown());
      n.put("usdSource", s.usdSource().name());
      return n;
    }

    private static void allowListed(ObjectNode record) {
      Set<String> allowed = ALLOWED.get(record.path("record").asText());
      Iterator<String> names = record.fieldNames();
      List<String> drop = new ArrayList<>();
      names.forEachRemaining(
          n -> {
            if (allowed == null || !allowed.contains(n) || record.get(n).isNull()) {
              drop.add(n);
            }
          });
      record.remove(drop);
    }

    private static RunRequest safeRequest(RunHistory history) {
      try {
        return history.runRequest();
      } catch (IllegalArgumentException e) {
        // An input that is not a RunRequest is still exported: by its hash only.
        return null;
      }
    }
  }
}
