package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Admission;
import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetPool;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.Settlement;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Ticket;
import dev.tally.ledger.UsdSource;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The workers of one driver: admission against the pool, child workflows, settlement into the
 * ledger, and the event queue {@code await_event} reads. Every reservation it makes is settled
 * exactly once, by the worker's own outcome or, if the worker never reports, at its ceiling.
 */
final class Crew {
  private static final Logger log = Workflow.getLogger(Crew.class);

  private final String parentId;
  private final int depth;
  private final RunRequest run;
  private final boolean usdCapped;
  private final BudgetPool pool;
  private final Ledger ledger;
  private final boolean admission;
  private final Map<String, WorkerSlot> slots = new LinkedHashMap<>();
  private final List<WorkerSlot> settled = new ArrayList<>();
  private final Deque<ObjectNode> events = new ArrayDeque<>();
  private int downCount;

  Crew(
      String parentId,
      int depth,
      RunRequest run,
      boolean usdCapped,
      BudgetPool pool,
      Ledger ledger,
      boolean admission) {
    this.parentId = parentId;
    this.depth = depth;
    this.run = run;
    this.usdCapped = usdCapped;
    this.pool = pool;
    this.ledger = ledger;
    this.admission = admission;
  }

  /**
   * Admits and starts one worker, or explains as data why not: the live-worker cap is checked
   * before anything is reserved, and a pool refusal lists every short channel.
   */
  ObjectNode spawn(String profile, JsonNode task, String label, Budget budget) {
    if (!run.workerProfilesOrDefault().contains(profile)) {
      return error(
          "profile: expected one of "
              + run.workerProfilesOrDefault()
              + ", got \""
              + profile
              + "\"");
    }
    if (depth + 1 > run.maxDepthOrDefault()) {
      return error("depth-exceeded").put("maxDepth", run.maxDepthOrDefault());
    }
    if (WorkerProfiles.SANDBOX.equals(profile)) {
      try {
        SandboxWorker.requestOf(task);
      } catch (IllegalArgumentException e) {
        return error(e.getMessage());
      }
    }
    Integer cap = run.maxLiveWorkers();
    if (cap != null && live().size() >= cap) {
      return error("max-live-workers").put("maxLiveWorkers", cap);
    }
    if (admission) {
      ObjectNode below = MinimumCall.refusal(profile, task, budget);
      if (below != null) {
        return below;
      }
    }
    Admission admission = pool.reserve(budget);
    if (admission instanceof Admission.Refused refused) {
      ObjectNode out = error(refused.reason());
      out.set("shortfalls", Json.CANONICAL.valueToTree(refused.shortfalls()));
      return out;
    }
    Ticket ticket = ((Admission.Admitted) admission).ticket();
    String id = parentId + ":s" + ledger.nextSpawnOrdinal();
    String shownLabel = label == null ? "worker" : label;
    ledger.spawned(id, parentId, shownLabel, profile, budget);
    WorkerTaskWorkflow stub =
        Workflow.newChildWorkflowStub(
            WorkerTaskWorkflow.class,
            Policies.worker(
                id, profile + " worker " + shownLabel + " (" + budget.tokens() + " tokens)"));
    WorkerSlot slot =
        new WorkerSlot(id, profile, shownLabel, ticket, stub, Workflow.currentTimeMillis());
    slots.put(id, slot);
    WorkerAssignment assignment =
        new WorkerAssignment(
            id, parentId, profile, task, shownLabel, budget, depth + 1, run, usdCapped);
    // Detached so that cancelling this run does not tear the child down mid-call: the join
    // barrier asks it to stop and waits for its real spend instead.
    Workflow.newDetachedCancellationScope(
            () -> {
              Promise<WorkerOutcome> result = Async.function(stub::run, assignment);
              result.handle(
                  (outcome, failure) -> {
                    onEnded(slot, outcome, failure);
                    return null;
                  });
            })
        .run();
    ObjectNode out = Json.CANONICAL.createObjectNode().put("workerId", id);
    return out;
  }

  /** Asks a live worker to stop; its settlement arrives through its outcome. */
  void requestCancel(WorkerSlot slot, String reason) {
    requestCancel(slot, reason, true);
  }

  /**
   * Asks a live worker to stop; with {@code abortCall} false a router call it has in flight still
   * finishes (and is metered exactly) first.
   */
  void requestCancel(WorkerSlot slot, String reason, boolean abortCall) {
    if (!slot.live() || slot.cancelReason != null) {
      return;
    }
    slot.cancelReason = reason;
    CancelRequest request =
        abortCall || !admission ? new CancelRequest(reason) : new CancelRequest(reason, true);
    signal(slot, () -> slot.stub.cancel(request));
  }

  /** Delivers an instruction to a live worker. */
  boolean steer(WorkerSlot slot, String instruction) {
    if (!slot.live()) {
      return false;
    }
    return signal(slot, () -> slot.stub.steer(new SteerRequest(instruction)));
  }

  /** Waits at most {@code bound} for {@code slot} to settle. */
  boolean awaitEnd(WorkerSlot slot, Duration bound) {
    return Waits.until(
        bound, "cancel_worker: " + slot.id + " reports its spend", () -> !slot.live());
  }

  /**
   * Cancels every live worker, waits for their real spend, and settles any that never report at
   * their full ceiling, marked unknown, so no reservation outlives the run.
   */
  void drain(String reason, Duration bound, boolean abortCalls) {
    live().forEach(s -> requestCancel(s, reason, abortCalls));
    Waits.until(bound, "join barrier: live workers report their spend", () -> live().isEmpty());
    for (WorkerSlot s : live()) {
      log.warn("worker {} did not report within {}; charging its ceiling", s.id, bound);
      Spend ceiling =
          new Spend(
              s.ticket.iterations(),
              s.ticket.tokens(),
              0,
              s.ticket.usd(),
              0,
              false,
              UsdSource.UNKNOWN);
      pool.reconcile(s.ticket.id(), ceiling);
      ledger.cancelled(s.id, reason + "; no report within " + bound + ", ceiling charged", ceiling);
      s.status = WorkerOutcome.CANCELLED;
      s.reason = "no report within join drain";
      s.endedAtMs = Workflow.currentTimeMillis();
    }
  }

  ObjectNode nextEvent() {
    return events.pollFirst();
  }

  boolean hasEvent() {
    return !events.isEmpty();
  }

  List<WorkerSlot> live() {
    return slots.values().stream().filter(WorkerSlot::live).toList();
  }

  WorkerSlot get(String id) {
    return slots.get(id);
  }

  List<WorkerSlot> all() {
    return List.copyOf(slots.values());
  }

  /** Workers in the order they settled; the first of equal scores wins. */
  List<WorkerSlot> settledInOrder() {
    return List.copyOf(settled);
  }

  /** How long each settled worker ran, by node id (workflow time, so replay-safe). */
  Map<String, Long> durationsMs() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (WorkerSlot s : settled) {
      out.put(s.id, s.endedAtMs - s.startedAtMs);
    }
    return out;
  }

  int downCount() {
    return downCount;
  }

  private boolean signal(WorkerSlot slot, Runnable send) {
    try {
      Workflow.getWorkflowExecution(slot.stub).get();
      send.run();
      return true;
    } catch (RuntimeException e) {
      // The worker finished between our check and the signal; its outcome settles it.
      log.info("signal to {} not delivered: {}", slot.id, e.getMessage());
      return false;
    }
  }

  private void onEnded(WorkerSlot slot, WorkerOutcome outcome, Throwable failure) {
    if (!slot.live()) {
      return;
    }
    WorkerOutcome o = failure == null ? outcome : crashed(slot, failure);
    slot.outcome = o;
    slot.endedAtMs = Workflow.currentTimeMillis();
    Settlement settlement = pool.reconcile(slot.ticket.id(), o.spent());
    Spend work = o.childWork() == null ? Spend.ZERO : o.childWork();
    if (o.driverInference() != null) {
      // A nested driver's inference is re-homed here as one entry on its node, so the parent's
      // ledger counts every token of the subtree exactly once.
      ledger.metered(slot.id, o.driverInference(), o.model(), o.turns());
    }
    if (WorkerOutcome.CANCELLED.equals(o.status())) {
      slot.status = WorkerOutcome.CANCELLED;
      slot.reason = slot.cancelReason != null ? slot.cancelReason : o.reason();
      ledger.cancelled(slot.id, slot.reason, work);
      settled.add(slot);
      return;
    }
    boolean done = WorkerOutcome.DONE.equals(o.status()) && !settlement.failedClosed();
    String reason =
        settlement.failedClosed() ? Settlement.UNKNOWN_USD_UNDER_CAP : done ? null : o.reason();
    Boolean infra = settlement.failedClosed() ? Boolean.TRUE : done ? null : o.infra();
    slot.status = done ? WorkerOutcome.DONE : WorkerOutcome.DOWN;
    slot.reason = reason;
    if (!done) {
      downCount++;
    }
    ledger.settled(
        slot.id,
        slot.status,
        done ? o.outRef() : null,
        done ? o.verdict() : null,
        work,
        reason,
        infra,
        settlement.violation(),
        o.model());
    settled.add(slot);
    ObjectNode event =
        Json.CANONICAL
            .createObjectNode()
            .put("type", "settled")
            .put("workerId", slot.id)
            .put("status", slot.status)
            .put("valid", done && o.verdict() != null && o.verdict().valid())
            .put("score", done && o.verdict() != null ? o.verdict().score() : 0.0);
    if (done) {
      event.put("outRef", o.outRef());
    } else {
      event.put("reason", reason);
    }
    if (settlement.violation() != null) {
      event.set("budgetViolation", Json.CANONICAL.valueToTree(settlement.violation()));
    }
    events.addLast(event);
  }

  /** A worker whose workflow failed reports nothing: charge its ceiling, marked unknown. */
  private static WorkerOutcome crashed(WorkerSlot slot, Throwable failure) {
    Ticket t = slot.ticket;
    Spend ceiling = new Spend(t.iterations(), t.tokens(), 0, t.usd(), 0, false, UsdSource.UNKNOWN);
    return new WorkerOutcome(
        slot.id,
        WorkerOutcome.DOWN,
        null,
        null,
        null,
        null,
        ceiling,
        "worker workflow failed: " + rootMessage(failure),
        true,
        null,
        0);
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  private static ObjectNode error(String message) {
    return Json.CANONICAL.createObjectNode().put("error", message);
  }
}
