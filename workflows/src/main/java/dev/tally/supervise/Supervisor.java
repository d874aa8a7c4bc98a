package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.export.EvalRunExport;
import dev.tally.json.Json;
import dev.tally.ledger.BudgetPool;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.PoolReadout;
import dev.tally.ledger.Spend;
import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.observe.PlaybookContext;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.InputEstimate;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.ToolCall;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A coordination driver: the tool loop over {@code RouterChat}, metering of every turn, the join
 * barrier and the result. Used by {@code SupervisedRun} at the root and by {@code WorkerTask} for a
 * nested driver, whose pool is its own reservation.
 */
final class Supervisor {
  /** Memo key holding the run's result without its output text. */
  static final String OUTCOME_MEMO = "outcome";

  private static final Logger log = Workflow.getLogger(Supervisor.class);

  private final String nodeId;
  private final String profile;
  private final RunRequest request;
  private final boolean usdCapped;
  private final BudgetPool pool;
  private final Ledger ledger;
  private final Inbox inbox;
  private final Crew crew;
  private final CoordinationTools tools;
  private final EvalRunExport evalExport;
  private final RunSearchAttributes searchAttributes;
  private final boolean admission;
  private final MeterActivities meter =
      Workflow.newLocalActivityStub(MeterActivities.class, Policies.meter());
  private final List<ChatMessage> unsent = new ArrayList<>();
  private String conversationRef;
  private int turn;
  private String phase = "starting";
  private String lastError;
  private boolean deadlinePassed;
  private boolean poolExhausted;
  private RunResult.ErrorInfo driverError;
  private RunResult result;

  /**
   * @param nodeId this driver's node id, which is also its ledger's run id
   * @param profile {@code run} at the root, {@code driver} when nested
   * @param depth 0 at the root
   * @param request the run's settings; its budget is this driver's pool
   * @param usdCappedAbove whether some pool above this one caps dollars
   * @param inbox where this driver's signals land
   */
  Supervisor(
      String nodeId,
      String profile,
      int depth,
      RunRequest request,
      boolean usdCappedAbove,
      Inbox inbox) {
    this.nodeId = nodeId;
    this.profile = profile;
    this.request = request;
    this.pool = new BudgetPool(request.budget(), Workflow.currentTimeMillis());
    this.admission = Versions.callAdmission();
    this.usdCapped = usdCappedAbove || pool.root().usdCapped();
    this.ledger = new Ledger(nodeId);
    this.inbox = inbox;
    this.crew = new Crew(nodeId, depth, request, usdCapped, pool, ledger, admission);
    this.tools =
        new CoordinationTools(
            crew, request.perWorker(), this::untilDeadline, () -> inbox.cancelReason != null);
    this.evalExport = EvalRunExport.forRun(nodeId, request);
    this.searchAttributes = RunSearchAttributes.forDepth(depth);
  }

  RunResult run() {
    evalExport.started();
    searchAttributes.running();
    unsent.add(ChatMessage.system(PlaybookContext.driverSystemPrompt(Prompts.DRIVER, request)));
    unsent.add(ChatMessage.user(taskText(request.task())));
    try {
      drive();
    } catch (CanceledFailure e) {
      inbox.cancel(new CancelRequest("cancelled through Temporal"));
    }
    // The barrier runs detached so that it completes even when the workflow was cancelled.
    Workflow.newDetachedCancellationScope(
            () -> {
              phase = "joining";
              publishDetails();
              // A cancelled run aborts its workers' calls in flight; a run that ended on its own
              // lets them finish, so their cost is known exactly.
              crew.drain(
                  inbox.cancelReason != null ? inbox.cancelReason : "run ended",
                  Policies.JOIN_DRAIN,
                  inbox.cancelReason != null && inbox.abortCalls);
              flush();
            })
        .run();
    result =
        ResultClassifier.classify(
            crew.settledInOrder(),
            crew.downCount(),
            new ResultClassifier.Ending(
                deadlinePassed, inbox.cancelReason, poolExhausted, driverError, tools.stopReason()),
            ledger.totals(),
            turn);
    evalExport.ended(ledger.entries(), result, crew.durationsMs());
    phase = "done";
    publishDetails();
    // Temporal closes a cancelled workflow as CANCELED whatever it returns, so the outcome is also
    // kept in the memo (output by reference only) where describe and the UI can read it.
    Workflow.upsertMemo(Map.of(OUTCOME_MEMO, result.withoutOutput()));
    searchAttributes.ended(result);
    return result;
  }

  private void drive() {
    int cap = request.turnCap();
    while (true) {
      if (cancelRequested() || tools.stopped()) {
        return;
      }
      if (deadlineReached()) {
        deadlinePassed = true;
        return;
      }
      if (poolStarved()) {
        poolExhausted = true;
        return;
      }
      if (turn >= cap) {
        log.info("{}: turn cap {} reached", nodeId, cap);
        return;
      }
      phase = "driving";
      publishDetails();
      if (admission && !canPayForACall()) {
        if (awaitRefund()) {
          continue;
        }
        poolExhausted = true;
        return;
      }
      ChatTurnReply reply;
      try {
        reply = driverTurn();
      } catch (ActivityFailure failure) {
        if (admission && CancellableCall.cancelled(failure)) {
          // The turn was sent and aborted by the cancel: its cost is unknown, never free.
          ledger.metered(nodeId, Spend.unknown(0), request.driverOrDefault().model(), turn++);
          flush();
          inbox.cancel(new CancelRequest("cancelled through Temporal"));
          return;
        }
        if (admission && CallRefusal.is(failure)) {
          // Nothing was sent: the input alone does not fit in what is left. A worker settling under
          // its reservation gives tokens back; without one in flight the pool is spent.
          lastError = CallRefusal.message(failure);
          if (awaitRefund()) {
            continue;
          }
          poolExhausted = true;
          return;
        }
        Spend unpriced = FailedTurn.spendOf(failure, 0, admission);
        if (unpriced != null) {
          ledger.metered(nodeId, unpriced, FailedTurn.modelOf(failure), turn++);
          if (admission && (!pool.root().usdCapped() || unpriced.usdKnown())) {
            // What the router billed counts against the pool, so nothing above can re-spend it.
            pool.observe(unpriced);
          }
          flush();
        }
        if (cancelRequested()) {
          // Temporal cancelled the turn with the run (a real server does so mid-retry): the
          // turn's last failure is the cancellation's doing, not the driver's.
          return;
        }
        driverError = errorInfo(failure);
        lastError = driverError.type() + ": " + driverError.message();
        return;
      }
      Spend spend = reply.spend(0);
      ledger.metered(nodeId, spend, reply.model(), turn);
      turn++;
      try {
        pool.observe(spend);
      } catch (IllegalStateException e) {
        // The metered entry stays: the turn happened and cost something, we just cannot say what.
        driverError =
            new RunResult.ErrorInfo(
                Failures.UNKNOWN_COST_UNDER_CAP, e.getMessage() + " (model " + reply.model() + ")");
        lastError = driverError.message();
        flush();
        return;
      }
      flush();
      if (reply.toolCalls().isEmpty()) {
        return;
      }
      for (ToolCall call : reply.toolCalls()) {
        if (cancelRequested()) {
          // A cancelled run starts nothing new, not even what its last turn asked for.
          return;
        }
        phase = Toolsets.AWAIT_EVENT.equals(call.name()) ? "awaiting" : "driving";
        // While it waits for its workers the UI says so, with the workers it just spawned.
        publishDetails();
        JsonNode out = tools.handle(call);
        if (out.has("error")) {
          lastError = call.name() + ": " + out.get("error").asText();
        }
        unsent.add(ChatMessage.tool(call.id(), call.name(), Json.canonical(out)));
        flush();
      }
    }
  }

  private ChatTurnReply driverTurn() {
    DriverSettings d = request.driverOrDefault();
    ChatTurnRequest unadmitted =
        new ChatTurnRequest(
            ledger.runId(),
            nodeId,
            turn,
            ChatTurnRequest.DRIVER,
            d.model(),
            d.temperature(),
            conversationRef,
            unsent,
            Toolsets.COORDINATION,
            usdCapped);
    PoolReadout r = pool.readout();
    ChatTurnRequest chat =
        admission
            ? unadmitted.admitted(r.tokensLeft(), r.usdCapped() ? r.usdLeft() : null)
            : unadmitted;
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class,
            Policies.routerChat("driver turn " + turn + " of " + nodeId));
    ChatTurnReply[] reply = new ChatTurnReply[1];
    if (admission) {
      // A cancel reaches the call in flight: the activity aborts its request.
      reply[0] = CancellableCall.run(router, chat, () -> inbox.abortCalls);
    } else {
      // Detached: a turn in flight when the run is cancelled still completes and is metered.
      Workflow.newDetachedCancellationScope(() -> reply[0] = router.routerChat(chat)).run();
    }
    unsent.clear();
    conversationRef = reply[0].conversationRef();
    return reply[0];
  }

  /** Writes the entries this workflow task produced to history as one {@code Meter} input. */
  private void flush() {
    if (!ledger.hasUnwritten()) {
      return;
    }
    MeterBatch batch = new MeterBatch(ledger.runId(), ledger.takeUnwritten());
    Workflow.newDetachedCancellationScope(() -> meter.meter(batch)).run();
  }

  /**
   * Whether this pool has anything left for one more driver call: at least one token beyond an
   * input, and dollars when they are capped. The activity checks the input itself before sending.
   */
  private boolean canPayForACall() {
    PoolReadout r = pool.readout();
    boolean usdLeft = !r.usdCapped() || r.usdLeft().signum() > 0;
    return usdLeft && r.tokensLeft() > InputEstimate.MIN_OUTPUT_TOKENS;
  }

  /**
   * Waits for a worker in flight to settle (and so return what it did not spend), or the deadline,
   * or a cancel.
   *
   * @return whether a worker settled, so another call may now fit
   */
  private boolean awaitRefund() {
    if (pool.readout().openReservations() == 0) {
      return false;
    }
    phase = "waiting for refunds";
    publishDetails();
    int before = crew.settledInOrder().size();
    Duration bound = Policies.JOIN_DRAIN;
    Duration left = untilDeadline();
    if (left != null && left.compareTo(bound) < 0) {
      bound = left;
    }
    return Waits.until(
            bound,
            "pool spent: waiting for a worker to settle and return what it did not spend",
            () -> crew.settledInOrder().size() > before || inbox.cancelReason != null)
        && inbox.cancelReason == null;
  }

  private boolean cancelRequested() {
    if (CancellationScope.current().isCancelRequested()) {
      inbox.cancel(new CancelRequest("cancelled through Temporal"));
    }
    return inbox.cancelReason != null;
  }

  private boolean deadlineReached() {
    Long at = pool.readout().deadlineAtMs();
    return at != null && Workflow.currentTimeMillis() >= at;
  }

  private Duration untilDeadline() {
    Long at = pool.readout().deadlineAtMs();
    return at == null ? null : Duration.ofMillis(at - Workflow.currentTimeMillis());
  }

  /**
   * Nothing is in flight and the pool cannot fund one more default worker on tokens, iterations or
   * capped dollars: another driver turn could buy nothing.
   */
  private boolean poolStarved() {
    PoolReadout r = pool.readout();
    if (r.openReservations() > 0) {
      return false;
    }
    boolean usdGone = r.usdCapped() && r.usdLeft().signum() <= 0;
    boolean tokensGone = admission && r.tokensLeft() <= 0;
    return usdGone || tokensGone || !pool.couldFund(request.perWorker());
  }

  private void publishDetails() {
    PoolReadout r = pool.readout();
    Workflow.setCurrentDetails(
        String.format(
            Locale.ROOT,
            "**%s** %s · turn %d · live workers %d · tokens left %d · usd left %s%s",
            profile,
            phase,
            turn,
            crew.live().size(),
            r.tokensLeft(),
            r.usdCapped() ? r.usdLeft().toPlainString() : "uncapped",
            lastError == null ? "" : " · last error: " + lastError));
  }

  RunStatus status() {
    List<RunStatus.WorkerView> views = new ArrayList<>();
    for (WorkerSlot s : crew.all()) {
      views.add(
          new RunStatus.WorkerView(
              s.id,
              s.profile,
              s.label,
              s.status,
              s.outcome == null ? null : s.outcome.spent(),
              s.reason));
    }
    String error = lastError != null ? lastError : inbox.rejectedFeedback;
    return new RunStatus(
        nodeId,
        profile,
        phase,
        turn,
        views,
        pool.readout(),
        ledger.totals().spentTotal(),
        error,
        List.copyOf(inbox.feedback),
        result);
  }

  LedgerView ledgerView() {
    return new LedgerView(nodeId, ledger.entries(), ledger.totals());
  }

  int turns() {
    return turn;
  }

  static String taskText(JsonNode task) {
    return task.isTextual() ? task.asText() : Json.canonical(task);
  }

  static RunResult.ErrorInfo errorInfo(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return new RunResult.ErrorInfo(app.getType(), app.getOriginalMessage());
    }
    return new RunResult.ErrorInfo(
        cause == null ? failure.getClass().getSimpleName() : cause.getClass().getSimpleName(),
        Crew.rootMessage(failure));
  }
}
