package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.ledger.BudgetPool;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.LedgerEntry;
import dev.tally.router.ChatMessage;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one state of a driver (a root run or a nested driver): the pool, the ledger, the inbox, its
 * workers and their events, and where the driver's loop stands. {@link Supervisor}, {@link Crew}
 * and {@link CoordinationTools} are behaviour over it and keep nothing of their own, so {@link
 * #carried()} is the whole run and {@link #resume} rebuilds it in the next run of a chain.
 */
final class RunState {
  final String nodeId;

  /** {@code run} at the root, {@code driver} when nested. */
  final String profile;

  /** 0 at the root. */
  final int depth;

  /** Whether some pool at or above this one caps dollars. */
  final boolean usdCapped;

  /** The run's settings; a raise replaces its budget. */
  RunRequest request;

  final BudgetPool pool;
  final Ledger ledger;
  final Inbox inbox;

  /** This run's workers by id, carried ones first. */
  final Map<String, WorkerSlot> workers = new LinkedHashMap<>();

  /** Workers in the order they settled (in a continued run: the delivered ones carried first). */
  final List<WorkerSlot> settled = new ArrayList<>();

  int settledCount;
  int downCount;
  final Deque<ObjectNode> events = new ArrayDeque<>();

  int turn;
  String conversationRef;
  final List<ChatMessage> unsent = new ArrayList<>();
  String phase = "starting";
  String lastError;

  /**
   * Whether this run has the {@link Versions#DRIVERS} change; set by the supervisor from Temporal's
   * version marker (true for every run started by this code).
   */
  boolean drivers = true;

  /** A nested driver's parent, which it tells its spend after each turn; null at the root. */
  String reportProgressTo;

  /** The driver called {@code stop}. */
  String stopReason;

  /** The worker the driver named as the winner in {@code stop}, if it named one. */
  String driverPick;

  /** The judge's verdicts on delivered chat outputs, by worker id, in the order judged. */
  final Map<String, dev.tally.ledger.Verdict> judged = new LinkedHashMap<>();

  boolean deadlinePassed;
  boolean poolExhausted;
  RunResult.ErrorInfo driverError;
  RunResult result;

  /** Why the run is paused, while it is. */
  String pausedReason;

  /** How many raises the run has taken; a paused run wakes when it changes. */
  int raises;

  final long startedAtMs;

  /** Whether this run continued another: its start was announced by the first run. */
  final boolean continued;

  /** Settlements of earlier runs of the chain an eval export still has to report. */
  final List<LedgerEntry> exportEntries = new ArrayList<>();

  final Map<String, Long> durationsMs = new LinkedHashMap<>();

  private RunState(
      String nodeId,
      String profile,
      int depth,
      RunRequest request,
      boolean usdCapped,
      BudgetPool pool,
      Ledger ledger,
      Inbox inbox,
      long startedAtMs,
      boolean continued) {
    this.nodeId = nodeId;
    this.profile = profile;
    this.depth = depth;
    this.request = request;
    this.usdCapped = usdCapped;
    this.pool = pool;
    this.ledger = ledger;
    this.inbox = inbox;
    this.startedAtMs = startedAtMs;
    this.continued = continued;
  }

  /** A driver's state at its first turn. */
  static RunState fresh(
      String nodeId,
      String profile,
      int depth,
      RunRequest request,
      boolean usdCappedAbove,
      Inbox inbox) {
    return fresh(
        nodeId, profile, depth, request, usdCappedAbove, inbox, Workflow.currentTimeMillis());
  }

  /** As above, started at {@code now} (epoch ms). */
  static RunState fresh(
      String nodeId,
      String profile,
      int depth,
      RunRequest request,
      boolean usdCappedAbove,
      Inbox inbox,
      long now) {
    BudgetPool pool = new BudgetPool(request.budget(), now);
    return new RunState(
        nodeId,
        profile,
        depth,
        request,
        usdCappedAbove || pool.root().usdCapped(),
        pool,
        new Ledger(nodeId),
        inbox,
        now,
        false);
  }

  /**
   * The state of a root run that continued-as-new from {@code fromRunId}, exactly as {@link
   * #carried()} left it there. Its ledger starts with the {@code carried} entry.
   */
  static RunState resume(String nodeId, RunRequest request, Inbox inbox, String fromRunId) {
    CarriedState c = request.carried();
    BudgetPool pool = BudgetPool.restore(c.pool());
    RunState s =
        new RunState(
            nodeId,
            "run",
            0,
            request,
            pool.root().usdCapped(),
            pool,
            Ledger.continued(c.ledger(), fromRunId),
            inbox,
            c.startedAtMs(),
            true);
    inbox.takeCarried(c.inbox());
    for (WorkerSlot.Carried w : c.workers()) {
      WorkerSlot slot = WorkerSlot.of(w);
      s.workers.put(slot.id, slot);
      if (!slot.live()) {
        s.settled.add(slot);
      }
    }
    s.settledCount = c.settledCount();
    s.downCount = c.downCount();
    c.events().forEach(e -> s.events.addLast((ObjectNode) e));
    s.turn = c.turn();
    s.conversationRef = c.conversationRef();
    s.unsent.addAll(c.unsent());
    s.lastError = c.lastError();
    s.exportEntries.addAll(c.exportEntries() == null ? List.of() : c.exportEntries());
    s.durationsMs.putAll(c.durationsMs() == null ? Map.of() : c.durationsMs());
    return s;
  }

  /** Everything this run knows, as the record the next run of its chain starts from. */
  CarriedState carried() {
    List<WorkerSlot.Carried> kept = new ArrayList<>();
    for (WorkerSlot s : workers.values()) {
      // The workers it waits on and the candidates to win; the other settled ones are history.
      if (s.live() || s.delivered()) {
        kept.add(s.carried());
      }
    }
    return new CarriedState(
        pool.snapshot(),
        ledger.state(),
        kept,
        settledCount,
        downCount,
        List.<JsonNode>copyOf(events),
        inbox.carried(),
        turn,
        conversationRef,
        List.copyOf(unsent),
        lastError,
        startedAtMs,
        exportEntries(),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(durationsMs)));
  }

  /**
   * What the eval export reports on: settlements of the whole chain, then this run's ledger (its
   * {@code carried} entry first, so totals are the chain's).
   */
  List<LedgerEntry> exportLedger() {
    List<LedgerEntry> out = new ArrayList<>(exportEntries);
    out.addAll(ledger.entries());
    return out;
  }

  private List<LedgerEntry> exportEntries() {
    if (!exporting()) {
      return List.of();
    }
    List<LedgerEntry> out = new ArrayList<>(exportEntries);
    for (LedgerEntry e : ledger.entries()) {
      if (e instanceof LedgerEntry.Settled || e instanceof LedgerEntry.Cancelled) {
        out.add(e);
      }
    }
    return out;
  }

  List<WorkerSlot> live() {
    return workers.values().stream().filter(WorkerSlot::live).toList();
  }

  boolean exporting() {
    return request.evalRun() != null;
  }
}
