package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetPool;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.Spend;
import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.sandbox.SandboxTurn;
import dev.tally.sandbox.SessionRef;
import dev.tally.sandbox.TurnOutcome;
import dev.tally.sandbox.TurnPlan;
import dev.tally.sandbox.TurnUsage;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.Policies;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * A delegation: validates the request, runs one sandbox turn per variant concurrently, settles each
 * inside its box, keeps the best validated result, and meters what the turns cost.
 *
 * <p>The {@code cancel} signal and Temporal's own cancellation both cancel the scope the turns run
 * in; each turn then cancels its remote session and releases its box in a detached cleanup scope,
 * and the delegation ends {@code cancelled}.
 */
public final class DelegationWorkflowImpl implements DelegationWorkflow {
  private static final Logger log = Workflow.getLogger(DelegationWorkflowImpl.class);
  static final String UI_AUDITOR_UNSUPPORTED = "no sandbox configured for ui-auditor";
  private static final Pattern SAFE_TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,179}");

  private final MeterActivities meter =
      Workflow.newLocalActivityStub(MeterActivities.class, Policies.meter());
  private final DelegationSearchAttributes searchAttributes = new DelegationSearchAttributes();
  private final List<DelegationFeedback> feedback = new ArrayList<>();
  private final List<SandboxTurn> turns = new ArrayList<>();
  private final Map<String, TurnOutcome> outcomes = new LinkedHashMap<>();
  private final List<String> boundRefs = new ArrayList<>();
  private String rejectedFeedback;
  private String cancelReason;
  private CancellationScope turnScope;
  private String taskId;
  private String profile;
  private String namespace;
  private String status = DelegationStatus.PENDING;
  private String phase = DelegationStatus.PENDING;
  private String startedAt;
  private String completedAt;
  private JsonNode result;
  private DelegationError error;
  private BudgetPool pool;
  private Ledger ledger;

  @Override
  public DelegationResult run(DelegationRequest request) {
    long startedAtMs = Workflow.currentTimeMillis();
    taskId = Workflow.getInfo().getWorkflowId();
    startedAt = Instant.ofEpochMilli(startedAtMs).toString();
    profile = request == null ? null : request.profile();
    List<String> problems = new ArrayList<>(DelegationRules.problems(request));
    if (!SAFE_TASK_ID.matcher(taskId).matches()) {
      // Session ids and sandbox directories are derived from the workflow id.
      problems.add(
          "workflow id: expected letters, digits, '.', '_' or '-' (at most 180), got '"
              + taskId
              + "'");
    }
    if (!problems.isEmpty()) {
      searchAttributes.status(DelegationStatus.FAILED, knownProfile(profile), null);
      throw ApplicationFailure.newNonRetryableFailure(
          "invalid DelegationRequest: " + String.join("; ", problems),
          DelegationFailures.INVALID_DELEGATION_REQUEST);
    }
    namespace = namespaceOf(request);
    searchAttributes.status(status, profile, namespace);
    publishDetails();
    if (DelegationProfiles.UI_AUDITOR.equals(profile)) {
      return finish(
          DelegationStatus.FAILED,
          null,
          new DelegationError(UI_AUDITOR_UNSUPPORTED, DelegationFailures.SANDBOX_NOT_CONFIGURED));
    }
    TurnPlan plan = TurnPlans.forRequest(request, this::bound);
    int variants = variantsOf(request);
    pool = new BudgetPool(Budget.of(variants, Long.MAX_VALUE), startedAtMs);
    ledger = new Ledger(taskId);
    if (cancelReason != null) {
      return finish(DelegationStatus.CANCELLED, null, cancelledError());
    }
    SandboxActivities sandbox = DelegationPolicies.sandbox();
    for (int v = 1; v <= variants; v++) {
      turns.add(new SandboxTurn(sandbox, DelegationIds.sessionId(taskId, v)));
    }
    List<Promise<TurnOutcome>> running = new ArrayList<>();
    turnScope =
        Workflow.newCancellationScope(
            () -> turns.forEach(turn -> running.add(Async.function(turn::run, plan))));
    phase = SandboxTurn.ACQUIRING;
    turnScope.run();
    Promise.allOf(running).get();
    for (int i = 0; i < turns.size(); i++) {
      outcomes.put(turns.get(i).sessionId(), running.get(i).get());
    }
    if (cancelReason == null && CancellationScope.current().isCancelRequested()) {
      cancelReason = "cancelled through Temporal";
    }
    meterTurns();
    return conclude();
  }

  /** The box exists: the delegation is running, and its session reference goes into history. */
  private void bound(SessionRef ref) {
    if (DelegationStatus.PENDING.equals(status)) {
      status = DelegationStatus.RUNNING;
      searchAttributes.status(status, profile, namespace);
    }
    publishDetails();
    boundRefs.add(ref.format());
    Workflow.upsertMemo(Map.of("sessions", List.copyOf(boundRefs)));
    log.info("{}: bound {}", taskId, ref.format());
  }

  /** One {@code metered} entry per dispatched turn, written to history as one Meter input. */
  private void meterTurns() {
    int index = 0;
    for (TurnOutcome o : outcomes.values()) {
      index++;
      if (!o.dispatched()) {
        continue;
      }
      Spend spend = TurnUsage.spendOf(o.usage());
      pool.observe(spend);
      String model = o.usage() != null && o.usage().model() != null ? o.usage().model() : "sandbox";
      ledger.metered(o.sessionId(), spend, model, index);
    }
    if (ledger.hasUnwritten()) {
      MeterBatch batch = new MeterBatch(ledger.runId(), ledger.takeUnwritten());
      Workflow.newDetachedCancellationScope(() -> meter.meter(batch)).run();
    }
  }

  private DelegationResult conclude() {
    List<TurnOutcome> all = List.copyOf(outcomes.values());
    if (all.stream().anyMatch(TurnOutcome::isCancelled)) {
      return finish(DelegationStatus.CANCELLED, null, cancelledError());
    }
    TurnOutcome best = null;
    for (TurnOutcome o : all) {
      if (o.isCompleted() && (best == null || diffLines(o) < diffLines(best))) {
        best = o;
      }
    }
    if (best != null) {
      return finish(DelegationStatus.COMPLETED, best.output(), null);
    }
    TurnOutcome first = all.get(0);
    String message =
        all.size() == 1
            ? first.errorMessage()
            : "all "
                + all.size()
                + " variants failed: "
                + String.join(
                    "; ", all.stream().map(o -> o.sessionId() + ": " + o.errorMessage()).toList());
    return finish(DelegationStatus.FAILED, null, new DelegationError(message, first.errorKind()));
  }

  /** A coder change's size; other results are all the same size, so the first one wins. */
  private static int diffLines(TurnOutcome o) {
    JsonNode lines = o.output() == null ? null : o.output().get("diffLines");
    return lines == null ? 0 : lines.asInt();
  }

  private DelegationResult finish(String finalStatus, JsonNode output, DelegationError why) {
    status = finalStatus;
    phase = finalStatus;
    result = output;
    error = why;
    completedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    searchAttributes.ended(status, spent());
    publishDetails();
    return new DelegationResult(
        taskId,
        profile,
        namespace,
        status,
        result,
        error,
        costUsd(),
        spent(),
        startedAt,
        completedAt,
        turnViews(),
        List.copyOf(feedback));
  }

  /**
   * What the Temporal UI shows as the delegation's current details: status, phase, variants and
   * spend (dollars only when every turn priced itself). Not a command: it is served by the metadata
   * query only, so publishing it changes no history.
   */
  private void publishDetails() {
    StringBuilder text = new StringBuilder("**").append(profile).append("** ").append(status);
    if (!DelegationStatus.terminal(status)) {
      text.append(" · ").append(currentPhase());
    }
    if (!turns.isEmpty()) {
      text.append(" · ").append(turns.size()).append(" variant(s)");
    }
    Spend s = spent();
    if (s != null && DelegationStatus.terminal(status)) {
      BigDecimal usd = costUsd();
      text.append(" · spent ")
          .append(s.tokens())
          .append(" tokens, ")
          .append(usd == null ? "dollars unknown" : "$" + usd.toPlainString());
    }
    if (error != null) {
      text.append(" · ").append(error.kind()).append(": ").append(error.message());
    }
    Workflow.setCurrentDetails(text.toString());
  }

  private DelegationError cancelledError() {
    String reason = cancelReason == null ? "cancelled" : cancelReason;
    return new DelegationError(reason, SandboxFailures.CANCELLED);
  }

  @Override
  public void cancel(CancelRequest request) {
    if (cancelReason != null || DelegationStatus.terminal(status)) {
      return;
    }
    String reason = request == null ? null : request.reason();
    cancelReason = reason == null || reason.isBlank() ? "cancelled by caller" : reason;
    if (turnScope != null) {
      turnScope.cancel(cancelReason);
    }
  }

  @Override
  public void feedback(DelegationFeedback f) {
    String problem = f == null ? "feedback: expected an object, got nothing" : f.problem();
    if (problem != null) {
      // A signal cannot be refused, so an unusable rating is kept out of the record and reported.
      rejectedFeedback = problem;
      return;
    }
    feedback.add(f);
  }

  @Override
  public DelegationStatus status() {
    int ticks = turns.stream().mapToInt(SandboxTurn::ticks).sum();
    return new DelegationStatus(
        taskId,
        profile,
        namespace,
        status,
        new Progress(ticks, currentPhase()),
        result,
        error,
        costUsd(),
        spent(),
        startedAt,
        completedAt,
        List.copyOf(feedback),
        rejectedFeedback,
        turnViews());
  }

  private String currentPhase() {
    if (DelegationStatus.terminal(status) || turns.isEmpty()) {
      return phase;
    }
    // With variants, the turn that is furthest along speaks for the delegation.
    return turns.stream()
        .map(SandboxTurn::phase)
        .filter(p -> p.startsWith(SandboxTurn.DETACHED_RUNNING))
        .findFirst()
        .orElse(turns.get(0).phase());
  }

  private List<TurnView> turnViews() {
    List<TurnView> views = new ArrayList<>();
    for (SandboxTurn turn : turns) {
      TurnOutcome o = outcomes.get(turn.sessionId());
      views.add(
          new TurnView(
              turn.sessionId(),
              turn.ref() == null ? null : turn.ref().format(),
              turn.phase(),
              turn.ticks(),
              o == null || o.errorKind() == null
                  ? null
                  : new DelegationError(o.errorMessage(), o.errorKind()),
              o == null ? null : o.evidence()));
    }
    return views;
  }

  private Spend spent() {
    return pool == null ? null : pool.readout().committed();
  }

  /** Dollars spent, only when every turn reported its price: unknown is never shown as a number. */
  private BigDecimal costUsd() {
    Spend s = spent();
    if (s == null || !s.usdKnown()) {
      return null;
    }
    return s.usd();
  }

  /** A profile fit for a search attribute: one of the known names, else none. */
  private static String knownProfile(String profile) {
    return DelegationProfiles.ALL.contains(profile) ? profile : null;
  }

  private static int variantsOf(DelegationRequest request) {
    if (DelegationProfiles.CODER.equals(request.profile())) {
      return Json.convert(request.args(), CoderArgs.class).variantsOrDefault();
    }
    return Json.convert(request.args(), ResearchArgs.class).variantsOrDefault();
  }

  private static String namespaceOf(DelegationRequest request) {
    if (request.namespace() != null) {
      return request.namespace();
    }
    JsonNode ns = request.args().get("namespace");
    return ns != null && ns.isTextual() ? ns.asText() : null;
  }
}
