package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.export.EvalRunExport;
import dev.tally.json.Json;
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
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A coordination driver, as behaviour over its {@link RunState}: the tool loop over {@code
 * RouterChat}, metering of every turn, pause at budget, continue-as-new at a safe point, the join
 * barrier and the result. Used by {@code SupervisedRun} at the root and by {@code WorkerTask} for a
 * nested driver, whose pool is its own reservation (a nested driver neither pauses nor continues:
 * its reservation and turn cap bound it).
 */
final class Supervisor {
  /** Memo key holding the run's result without its output text. */
  static final String OUTCOME_MEMO = "outcome";

  private static final Logger log = Workflow.getLogger(Supervisor.class);

  private final RunState s;
  private final Crew crew;
  private final CoordinationTools tools;
  private final EvalRunExport evalExport;
  private final RunSearchAttributes searchAttributes;
  private final BudgetRaise raise;
  private final MeterActivities meter =
      Workflow.newLocalActivityStub(MeterActivities.class, Policies.meter());

  Supervisor(RunState state) {
    this.s = state;
    state.drivers = Versions.drivers();
    this.crew = new Crew(state);
    this.tools = new CoordinationTools(state, crew);
    this.evalExport = EvalRunExport.forRun(state.nodeId, state.request);
    this.searchAttributes = RunSearchAttributes.forDepth(state.depth);
    this.raise = new BudgetRaise(state);
  }

  RunResult run() {
    if (s.continued) {
      evalExport.resumed(s.startedAtMs);
      flush();
    } else {
      evalExport.started();
    }
    searchAttributes.running();
    if (!s.continued) {
      String prompt = Prompts.driver(s.request.workerProfilesOrDefault());
      s.unsent.add(ChatMessage.system(PlaybookContext.driverSystemPrompt(prompt, s.request)));
      s.unsent.add(ChatMessage.user(taskText(s.request.task())));
    }
    takeReports();
    try {
      drive();
    } catch (CanceledFailure e) {
      s.inbox.cancel(new CancelRequest("cancelled through Temporal"));
    }
    // The barrier runs detached so that it completes even when the workflow was cancelled.
    Workflow.newDetachedCancellationScope(
            () -> {
              s.phase = "joining";
              publishDetails();
              // A cancelled run aborts its workers' calls in flight; a run that ended on its own
              // lets them finish, so their cost is known exactly.
              String cancel = s.inbox.cancelReason;
              crew.drain(
                  cancel != null ? cancel : "run ended",
                  Policies.JOIN_DRAIN,
                  cancel != null && s.inbox.abortCalls);
              flush();
              if (s.request.judge() != null && s.driverPick == null && cancel == null) {
                s.phase = "judging";
                publishDetails();
                new Judge(s, this::flush).scoreDelivered();
              }
            })
        .run();
    s.result =
        ResultClassifier.classify(
            s.settled,
            s.settledCount,
            s.downCount,
            new ResultClassifier.Ending(
                s.deadlinePassed,
                s.inbox.cancelReason,
                s.poolExhausted,
                s.driverError,
                s.stopReason),
            new ResultClassifier.Choice(s.driverPick, s.judged),
            s.ledger.totals(),
            s.turn);
    evalExport.ended(s.exportLedger(), s.result, s.durationsMs);
    s.phase = "done";
    publishDetails();
    // Temporal closes a cancelled workflow as CANCELED whatever it returns, so the outcome is also
    // kept in the memo (output by reference only) where describe and the UI can read it.
    Workflow.upsertMemo(Map.of(OUTCOME_MEMO, s.result.withoutOutput()));
    searchAttributes.ended(s.result);
    return s.result;
  }

  /** A worker's outcome that came by signal (it outlived the run that started it). */
  void report(WorkerOutcome outcome) {
    crew.report(outcome);
  }

  BudgetRaise raise() {
    return raise;
  }

  /** A worker's spend so far, reported by the worker after one of its turns. */
  void progress(WorkerProgress progress) {
    crew.progress(progress);
  }

  /** An instruction from the driver that spawned this one: a user message at its next turn. */
  void steer(String instruction) {
    s.unsent.add(ChatMessage.user("Instruction from the driver that spawned you: " + instruction));
  }

  /** Tells a nested driver's parent what it has spent so far, without waiting for delivery. */
  private void reportProgress() {
    if (s.reportProgressTo == null || !s.drivers) {
      return;
    }
    WorkerProgress p = new WorkerProgress(s.nodeId, s.ledger.totals().spentTotal(), s.turn);
    Async.procedure(
        () -> {
          try {
            Workflow.newUntypedExternalWorkflowStub(s.reportProgressTo)
                .signal(WorkerProgress.SIGNAL, p);
          } catch (RuntimeException e) {
            log.info("{}: progress not reported: {}", s.nodeId, e.getMessage());
          }
        });
  }

  private void takeReports() {
    List<WorkerOutcome> early = List.copyOf(s.inbox.reports);
    s.inbox.reports.clear();
    early.forEach(crew::report);
  }

  private void drive() {
    int cap = s.request.turnCap();
    while (true) {
      if (s.inbox.cancelled() || s.stopReason != null) {
        return;
      }
      if (Deadlines.reached(s.pool)) {
        if (pausedAtBudget("deadline passed", true)) {
          continue;
        }
        return;
      }
      if (poolStarved()) {
        if (pausedAtBudget("pool cannot fund another worker", false)) {
          continue;
        }
        return;
      }
      if (s.turn >= cap) {
        log.info("{}: turn cap {} reached", s.nodeId, cap);
        return;
      }
      if (ContinueAsNew.due(s)) {
        ContinueAsNew.now(s, crew, this::flush);
      }
      s.phase = "driving";
      publishDetails();
      if (!canPayForACall()) {
        if (awaitRefund() || pausedAtBudget("pool cannot pay for another driver turn", false)) {
          continue;
        }
        return;
      }
      ChatTurnReply reply;
      try {
        reply = driverTurn();
      } catch (ActivityFailure failure) {
        if (CancellableCall.cancelled(failure)) {
          // The turn was sent and aborted by the cancel: its cost is unknown, never free.
          s.ledger.metered(
              s.nodeId, Spend.unknown(0), s.request.driverOrDefault().model(), s.turn++);
          flush();
          s.inbox.cancel(new CancelRequest("cancelled through Temporal"));
          return;
        }
        if (CallRefusal.is(failure)) {
          // Nothing was sent: the input alone does not fit in what is left. A worker settling under
          // its reservation gives tokens back; without one in flight the pool is spent.
          s.lastError = CallRefusal.message(failure);
          if (awaitRefund()
              || pausedAtBudget("the driver's next turn does not fit in the pool", false)) {
            continue;
          }
          return;
        }
        Spend unpriced = FailedTurn.spendOf(failure, 0);
        if (unpriced != null) {
          s.ledger.metered(s.nodeId, unpriced, FailedTurn.modelOf(failure), s.turn++);
          if (!s.pool.root().usdCapped() || unpriced.usdKnown()) {
            // What the router billed counts against the pool, so nothing above can re-spend it.
            s.pool.observe(unpriced);
          }
          flush();
        }
        if (s.inbox.cancelled()) {
          // Temporal cancelled the turn with the run (a real server does so mid-retry): the
          // turn's last failure is the cancellation's doing, not the driver's.
          return;
        }
        s.driverError = errorInfo(failure);
        s.lastError = s.driverError.type() + ": " + s.driverError.message();
        return;
      }
      Spend spend = reply.spend(0);
      s.ledger.metered(s.nodeId, spend, reply.model(), s.turn);
      s.turn++;
      try {
        s.pool.observe(spend);
      } catch (IllegalStateException e) {
        // The metered entry stays: the turn happened and cost something, we just cannot say what.
        s.driverError =
            new RunResult.ErrorInfo(
                Failures.UNKNOWN_COST_UNDER_CAP, e.getMessage() + " (model " + reply.model() + ")");
        s.lastError = s.driverError.message();
        flush();
        return;
      }
      flush();
      reportProgress();
      if (reply.toolCalls().isEmpty()) {
        return;
      }
      for (ToolCall call : reply.toolCalls()) {
        if (s.inbox.cancelled()) {
          // A cancelled run starts nothing new, not even what its last turn asked for.
          return;
        }
        s.phase = Toolsets.AWAIT_EVENT.equals(call.name()) ? "awaiting" : "driving";
        // While it waits for its workers the UI says so, with the workers it just spawned.
        publishDetails();
        JsonNode out = tools.handle(call);
        if (out.has("error")) {
          s.lastError = call.name() + ": " + out.get("error").asText();
        }
        s.unsent.add(ChatMessage.tool(call.id(), call.name(), Json.canonical(out)));
        flush();
      }
    }
  }

  /**
   * The pool (or the deadline) ran out. A run that ends at its budget marks why and ends; a root
   * run that pauses waits, costing nothing, for {@code raiseBudget}, a cancel or its pause timeout.
   *
   * @return whether a raise came and the run goes on
   */
  private boolean pausedAtBudget(String why, boolean deadline) {
    if (s.depth == 0 && s.request.pausesAtBudget()) {
      int raisesBefore = s.raises;
      s.pausedReason = why;
      s.phase = RunStatus.PAUSED;
      searchAttributes.paused();
      publishDetails();
      boolean raised =
          Waits.until(
              Duration.ofMillis(s.request.pauseTimeoutMsOrDefault()),
              "paused: " + why + "; waiting for raiseBudget or a cancel",
              () -> s.raises != raisesBefore || s.inbox.cancelReason != null);
      s.pausedReason = null;
      flush();
      if (s.inbox.cancelReason != null) {
        return false;
      }
      if (raised) {
        searchAttributes.resumed();
        return true;
      }
      why =
          why + "; paused " + Duration.ofMillis(s.request.pauseTimeoutMsOrDefault()) + ", no raise";
    }
    if (deadline) {
      s.deadlinePassed = true;
    } else {
      s.poolExhausted = true;
    }
    log.info("{}: {}", s.nodeId, why);
    return false;
  }

  private ChatTurnReply driverTurn() {
    DriverSettings d = s.request.driverOrDefault();
    PoolReadout r = s.pool.readout();
    ChatTurnRequest chat =
        new ChatTurnRequest(
                s.ledger.runId(),
                s.nodeId,
                s.turn,
                ChatTurnRequest.DRIVER,
                d.model(),
                d.temperature(),
                s.conversationRef,
                s.unsent,
                Toolsets.COORDINATION,
                s.usdCapped)
            .admitted(r.tokensLeft(), r.usdCapped() ? r.usdLeft() : null)
            .withBudgetLine(BudgetLine.of(s, Workflow.currentTimeMillis()));
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class,
            Policies.routerChat("driver turn " + s.turn + " of " + s.nodeId));
    int sent = s.unsent.size();
    // A cancel reaches the call in flight: the activity aborts its request.
    ChatTurnReply reply = CancellableCall.run(router, chat, () -> s.inbox.abortCalls);
    // Only what was sent: an instruction that arrived during the call goes with the next turn.
    s.unsent.subList(0, sent).clear();
    s.conversationRef = reply.conversationRef();
    return reply;
  }

  /** Writes the entries this workflow task produced to history as one {@code Meter} input. */
  private void flush() {
    if (!s.ledger.hasUnwritten()) {
      return;
    }
    MeterBatch batch = new MeterBatch(s.ledger.runId(), s.ledger.takeUnwritten());
    Workflow.newDetachedCancellationScope(() -> meter.meter(batch)).run();
  }

  /**
   * Whether this pool has anything left for one more driver call: at least one token beyond an
   * input, and dollars when they are capped. The activity checks the input itself before sending.
   */
  private boolean canPayForACall() {
    PoolReadout r = s.pool.readout();
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
    if (s.pool.readout().openReservations() == 0) {
      return false;
    }
    s.phase = "waiting for refunds";
    publishDetails();
    int before = s.settledCount;
    Duration bound = Policies.JOIN_DRAIN;
    Duration left = Deadlines.untilDeadline(s.pool);
    if (left != null && left.compareTo(bound) < 0) {
      bound = left;
    }
    return Waits.until(
            bound,
            "pool spent: waiting for a worker to settle and return what it did not spend",
            () -> s.settledCount > before || s.inbox.cancelReason != null)
        && s.inbox.cancelReason == null;
  }

  /**
   * Nothing is in flight and the pool cannot fund one more default worker on tokens, iterations or
   * capped dollars: another driver turn could buy nothing.
   */
  private boolean poolStarved() {
    PoolReadout r = s.pool.readout();
    if (r.openReservations() > 0) {
      return false;
    }
    boolean usdGone = r.usdCapped() && r.usdLeft().signum() <= 0;
    boolean tokensGone = r.tokensLeft() <= 0;
    return usdGone || tokensGone || !s.pool.couldFund(s.request.perWorker());
  }

  private void publishDetails() {
    PoolReadout r = s.pool.readout();
    Workflow.setCurrentDetails(
        String.format(
            Locale.ROOT,
            "**%s** %s · turn %d · live workers %d · tokens left %d · usd left %s%s%s",
            s.profile,
            s.phase,
            s.turn,
            s.live().size(),
            r.tokensLeft(),
            r.usdCapped() ? r.usdLeft().toPlainString() : "uncapped",
            s.pausedReason == null
                ? ""
                : " · paused: " + s.pausedReason + " (tally raise " + s.nodeId + " ...)",
            s.lastError == null ? "" : " · last error: " + s.lastError));
  }

  RunStatus status() {
    List<RunStatus.WorkerView> views = new ArrayList<>();
    for (WorkerSlot w : s.workers.values()) {
      views.add(
          new RunStatus.WorkerView(
              w.id,
              w.profile,
              w.label,
              w.status,
              w.outcome == null ? null : w.outcome.spent(),
              w.reason));
    }
    String error = s.lastError != null ? s.lastError : s.inbox.rejectedFeedback;
    return new RunStatus(
        s.nodeId,
        s.profile,
        s.phase,
        s.turn,
        views,
        s.pool.readout(),
        s.ledger.totals().spentTotal(),
        error,
        List.copyOf(s.inbox.feedback),
        s.result,
        s.pausedReason,
        s.pausedReason == null ? null : s.pool.shortfallsFor(s.request.perWorker()));
  }

  LedgerView ledgerView() {
    return new LedgerView(s.nodeId, s.ledger.entries(), s.ledger.totals());
  }

  int turns() {
    return s.turn;
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
