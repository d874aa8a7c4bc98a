package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Admission;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Settlement;
import dev.tally.ledger.Spend;
import dev.tally.ledger.Ticket;
import dev.tally.ledger.UsdSource;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The workers of one driver, as behaviour over its {@link RunState}: admission against the pool,
 * child workflows, settlement into the ledger, and the event queue {@code await_event} reads. Every
 * reservation it makes is settled exactly once, by the worker's own outcome (its completion, or its
 * {@code workerEnded} signal when its parent continued-as-new since) or, if the worker never
 * reports, at its ceiling.
 */
final class Crew {
  private static final Logger log = Workflow.getLogger(Crew.class);

  private final RunState s;

  /** Handles of the workers this run started; carried workers are reached by workflow id. */
  private final Map<String, WorkerTaskWorkflow> stubs = new HashMap<>();

  private final Map<String, Promise<WorkflowExecution>> starts = new HashMap<>();

  Crew(RunState state) {
    this.s = state;
  }

  /**
   * Admits and starts one worker, or explains as data why not: the live-worker cap is checked
   * before anything is reserved, and a pool refusal lists every short channel.
   */
  ObjectNode spawn(String profile, JsonNode task, String label, Budget budget) {
    RunRequest run = s.request;
    WorkerKind kind = WorkerKinds.named(profile);
    if (kind == null || !run.workerProfilesOrDefault().contains(profile)) {
      return error(
          "profile: expected one of "
              + run.workerProfilesOrDefault()
              + ", got \""
              + profile
              + "\"");
    }
    if (s.depth + 1 > run.maxDepthOrDefault()) {
      return error("depth-exceeded").put("maxDepth", run.maxDepthOrDefault());
    }
    String problem = kind.taskProblem(task);
    if (problem != null) {
      return error(problem);
    }
    Integer cap = run.maxLiveWorkers();
    if (cap != null && s.live().size() >= cap) {
      return error("max-live-workers").put("maxLiveWorkers", cap);
    }
    ObjectNode below = MinimumCall.refusal(kind, task, budget, run, s.drivers);
    if (below != null) {
      return below;
    }
    Admission admission = s.pool.reserve(budget);
    if (admission instanceof Admission.Refused refused) {
      ObjectNode out = error(refused.reason());
      out.set("shortfalls", Json.CANONICAL.valueToTree(refused.shortfalls()));
      out.set("wouldFit", wouldFit());
      return out;
    }
    Ticket ticket = ((Admission.Admitted) admission).ticket();
    String id = s.nodeId + ":s" + s.ledger.nextSpawnOrdinal();
    String shownLabel = label == null ? "worker" : label;
    s.ledger.spawned(id, s.nodeId, shownLabel, profile, budget);
    // A root run may continue-as-new while its workers run: they must outlive the run that
    // started them and report to whichever run of the chain is current.
    boolean outlivesRun = s.depth == 0;
    WorkerTaskWorkflow stub =
        Workflow.newChildWorkflowStub(
            WorkerTaskWorkflow.class,
            Policies.worker(
                id,
                profile + " worker " + shownLabel + " (" + budget.tokens() + " tokens)",
                outlivesRun));
    WorkerSlot slot = new WorkerSlot(id, profile, shownLabel, ticket, Workflow.currentTimeMillis());
    s.workers.put(id, slot);
    stubs.put(id, stub);
    WorkerAssignment assignment =
        new WorkerAssignment(
            id, s.nodeId, profile, task, shownLabel, budget, s.depth + 1, run, s.usdCapped);
    // Detached so that cancelling this run does not tear the child down mid-call: the join
    // barrier asks it to stop and waits for its real spend instead.
    Workflow.newDetachedCancellationScope(
            () -> {
              Promise<WorkerOutcome> result = Async.function(stub::run, assignment);
              starts.put(id, Workflow.getWorkflowExecution(stub));
              result.handle(
                  (outcome, failure) -> {
                    onEnded(slot, outcome, failure);
                    return null;
                  });
            })
        .run();
    return Json.CANONICAL.createObjectNode().put("workerId", id);
  }

  /** The largest budget a spawn could reserve now: what is free on every channel. */
  private ObjectNode wouldFit() {
    var r = s.pool.readout();
    ObjectNode fit =
        Json.CANONICAL
            .createObjectNode()
            .put("maxTokens", Math.max(0, r.tokensLeft()))
            .put("maxIterations", Math.max(0, r.iterationsLeft()));
    if (r.usdCapped()) {
      fit.put("maxUsd", r.usdLeft().max(java.math.BigDecimal.ZERO));
    }
    return fit;
  }

  /** A worker's outcome arriving by its {@code workerEnded} signal; the first report settles it. */
  void report(WorkerOutcome outcome) {
    WorkerSlot slot = outcome == null ? null : s.workers.get(outcome.nodeId());
    if (slot == null) {
      log.warn("{}: report from unknown worker {}", s.nodeId, outcome);
      return;
    }
    onEnded(slot, outcome, null);
  }

  /** A live worker's spend so far; a settled one's outcome says what it spent. */
  void progress(WorkerProgress p) {
    WorkerSlot slot = p == null ? null : s.workers.get(p.workerId());
    if (slot != null && slot.live()) {
      slot.progress = p;
    }
  }

  /** Whether every worker this run started has started, so none is lost to a continue-as-new. */
  boolean allStarted() {
    return starts.values().stream().allMatch(Promise::isCompleted);
  }

  /**
   * Before a continue-as-new: tells every live worker to report its outcome to this workflow id as
   * well, since the run that started it will no longer take its result. A worker that cannot be
   * told has just ended: its completion is on its way to this run, so the hand-over waits for it
   * (within {@code bound}; a worker that never reports is charged its ceiling at the end).
   */
  void handOver(Duration bound) {
    for (WorkerSlot w : s.live()) {
      if (!signal(w, stub -> stub.reportTo(s.nodeId))) {
        Waits.until(bound, "continue-as-new: " + w.id + " reports its end", () -> !w.live());
      }
    }
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
    CancelRequest request = abortCall ? new CancelRequest(reason) : new CancelRequest(reason, true);
    signal(slot, w -> w.cancel(request));
  }

  /**
   * Delivers an instruction to a live worker whose kind takes steering.
   *
   * @return null when delivered, else why not
   */
  String steer(WorkerSlot slot, String instruction) {
    String notSteerable = WorkerKinds.named(slot.profile).notSteerable();
    if (notSteerable != null) {
      return notSteerable;
    }
    if (!slot.live()) {
      return "worker is " + slot.status;
    }
    return signal(slot, w -> w.steer(new SteerRequest(instruction)))
        ? null
        : "worker ended before the instruction reached it";
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
    s.live().forEach(w -> requestCancel(w, reason, abortCalls));
    Waits.until(bound, "join barrier: live workers report their spend", () -> s.live().isEmpty());
    for (WorkerSlot w : s.live()) {
      log.warn("worker {} did not report within {}; charging its ceiling", w.id, bound);
      Spend ceiling = ceilingOf(w.ticket);
      s.pool.reconcile(w.ticket.id(), ceiling);
      s.ledger.cancelled(
          w.id, reason + "; no report within " + bound + ", ceiling charged", ceiling);
      w.status = WorkerOutcome.CANCELLED;
      w.reason = "no report within join drain";
      w.endedAtMs = Workflow.currentTimeMillis();
    }
  }

  private boolean signal(WorkerSlot slot, Consumer<WorkerTaskWorkflow> send) {
    try {
      WorkerTaskWorkflow stub = stubs.get(slot.id);
      if (stub != null) {
        starts.get(slot.id).get();
      } else {
        stub = Workflow.newExternalWorkflowStub(WorkerTaskWorkflow.class, slot.id);
      }
      send.accept(stub);
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
    Settlement settlement = s.pool.reconcile(slot.ticket.id(), o.spent());
    Spend work = o.childWork() == null ? Spend.ZERO : o.childWork();
    if (o.driverInference() != null) {
      // A nested driver's inference is re-homed here as one entry on its node, so the parent's
      // ledger counts every token of the subtree exactly once.
      s.ledger.metered(slot.id, o.driverInference(), o.model(), o.turns());
    }
    s.settledCount++;
    s.settled.add(slot);
    if (s.exporting()) {
      s.durationsMs.put(slot.id, slot.endedAtMs - slot.startedAtMs);
    }
    if (WorkerOutcome.CANCELLED.equals(o.status())) {
      slot.status = WorkerOutcome.CANCELLED;
      slot.reason = slot.cancelReason != null ? slot.cancelReason : o.reason();
      s.ledger.cancelled(slot.id, slot.reason, work);
      return;
    }
    boolean done = WorkerOutcome.DONE.equals(o.status()) && !settlement.failedClosed();
    String reason =
        settlement.failedClosed() ? Settlement.UNKNOWN_USD_UNDER_CAP : done ? null : o.reason();
    Boolean infra = settlement.failedClosed() ? Boolean.TRUE : done ? null : o.infra();
    slot.status = done ? WorkerOutcome.DONE : WorkerOutcome.DOWN;
    slot.reason = reason;
    if (!done) {
      s.downCount++;
    }
    s.ledger.settled(
        slot.id,
        slot.status,
        done ? o.outRef() : null,
        done ? o.verdict() : null,
        work,
        reason,
        infra,
        settlement.violation(),
        o.model());
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
    s.events.addLast(event);
  }

  /** A worker whose workflow failed reports nothing: charge its ceiling, marked unknown. */
  private static WorkerOutcome crashed(WorkerSlot slot, Throwable failure) {
    return new WorkerOutcome(
        slot.id,
        WorkerOutcome.DOWN,
        null,
        null,
        null,
        null,
        ceilingOf(slot.ticket),
        "worker workflow failed: " + rootMessage(failure),
        true,
        null,
        0);
  }

  private static Spend ceilingOf(Ticket t) {
    return new Spend(t.iterations(), t.tokens(), 0, t.usd(), 0, false, UsdSource.UNKNOWN);
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
