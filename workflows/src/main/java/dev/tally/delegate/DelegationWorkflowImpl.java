package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.export.EvalRunBatch;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.EvalRunEvents;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportPolicies;
import dev.tally.export.ExportReceipt;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetPool;
import dev.tally.ledger.Ledger;
import dev.tally.ledger.Spend;
import dev.tally.meter.MeterActivities;
import dev.tally.meter.MeterBatch;
import dev.tally.observe.OpsReport;
import dev.tally.research.FactJudge;
import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxFailures;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.SandboxTurn;
import dev.tally.sandbox.SessionRef;
import dev.tally.sandbox.TurnOutcome;
import dev.tally.sandbox.TurnPlan;
import dev.tally.sandbox.TurnUsage;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.Policies;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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

  /** The {@code Workflow.getVersion} change id of named harnesses, the cap, reviewer and winner. */
  static final String FANOUT_CHANGE = "fanout";

  static final int FANOUT = 1;
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
  private DelegationRequest request;
  private int fanoutVersion = Workflow.DEFAULT_VERSION;
  private FanoutPlan fanout;
  private int activeTurns;
  private String winner;
  private final Map<String, Double> scores = new LinkedHashMap<>();
  private final Map<String, Long> durationsMs = new LinkedHashMap<>();
  private final List<ModelReviewer.ReviewSpend> reviewSpends = new ArrayList<>();

  @Override
  public DelegationResult run(DelegationRequest request) {
    DelegationResult result;
    try {
      result = delegate(request);
    } catch (ApplicationFailure refused) {
      OpsReport.delegationRefused(request, refused.getType(), refused.getOriginalMessage());
      throw refused;
    }
    OpsReport.delegationClosed(request, result);
    return result;
  }

  private DelegationResult delegate(DelegationRequest request) {
    this.request = request;
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
    int variants = variantsOf(request);
    pool = new BudgetPool(Budget.of(variants, Long.MAX_VALUE), startedAtMs);
    ledger = new Ledger(taskId);
    if (cancelReason != null) {
      return finish(DelegationStatus.CANCELLED, null, cancelledError());
    }
    SandboxActivities sandbox = DelegationPolicies.sandbox();
    fanoutVersion = Workflow.getVersion(FANOUT_CHANGE, Workflow.DEFAULT_VERSION, FANOUT);
    fanout =
        fanoutVersion == Workflow.DEFAULT_VERSION
            ? FanoutPlan.legacy(variants)
            : FanoutPlan.of(request, variants);
    TurnPlan plan =
        TurnPlans.forRequest(
            request, this::bound, reviewerOf(request, sandbox), judgesOf(request, sandbox));
    for (int v = 1; v <= variants; v++) {
      turns.add(
          new SandboxTurn(
              sandbox, DelegationIds.sessionId(taskId, v), fanout.harness(v), fanout.model(v)));
    }
    List<Promise<TurnOutcome>> running = new ArrayList<>();
    turnScope =
        Workflow.newCancellationScope(
            () -> turns.forEach(turn -> running.add(Async.function(() -> runGated(turn, plan)))));
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
    return exportEval(conclude());
  }

  /**
   * Files the delegation's eval-run record when its request asked for one: one generation per
   * candidate. An export never fails the delegation; the record stays in the result either way,
   * which is where a later gate decision finds it.
   */
  private DelegationResult exportEval(DelegationResult r) {
    if (fanoutVersion == Workflow.DEFAULT_VERSION || request.evalRun() == null) {
      return r;
    }
    List<EvalRunEvents.DelegationCandidate> candidates = new ArrayList<>();
    for (TurnView t : r.turns()) {
      TurnOutcome o = outcomes.get(t.sessionId());
      Spend spend = t.spent();
      candidates.add(
          new EvalRunEvents.DelegationCandidate(
              t.sessionId(),
              t.harness(),
              o == null ? "cancelled" : o.state(),
              o == null ? null : o.errorMessage(),
              surfaceHash(o),
              t.score() == null ? 0.0 : t.score(),
              spend == null ? BigDecimal.ZERO : spend.usd(),
              durationsMs.getOrDefault(t.sessionId(), 0L)));
    }
    long endedAtMs = Workflow.currentTimeMillis();
    EvalRunEvent event =
        EvalRunEvents.forDelegation(
            taskId,
            request.evalRun(),
            r.error() == null ? null : r.error().kind() + ": " + r.error().message(),
            candidates,
            spent() == null ? BigDecimal.ZERO : spent().usd(),
            Instant.parse(startedAt).toEpochMilli(),
            endedAtMs);
    ExportEvalRunsActivities export =
        Workflow.newActivityStub(
            ExportEvalRunsActivities.class,
            ExportPolicies.exportEvalRuns("eval export: " + event.status()));
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                ExportReceipt receipt = export.exportEvalRuns(EvalRunBatch.of(event));
                log.info("{}: eval export {}", taskId, receipt.delivery());
              } catch (ActivityFailure failure) {
                log.warn("{}: eval export failed: {}", taskId, failure.getCause());
              }
            })
        .run();
    return r.withEvalRecord(event);
  }

  /** A candidate's content address: its patch's for a coder, its whole output's otherwise. */
  private static String surfaceHash(TurnOutcome o) {
    if (o == null || o.output() == null) {
      return "";
    }
    JsonNode patch = o.output().get("patch");
    if (patch != null && patch.isTextual()) {
      return Json.sha256Ref(patch.asText().getBytes(StandardCharsets.UTF_8));
    }
    return Json.contentRef(o.output());
  }

  /**
   * Runs {@code turn} once fewer than {@code maxConcurrency} turns are running. A turn cancelled
   * while it waits never asks for a box.
   */
  private TurnOutcome runGated(SandboxTurn turn, TurnPlan plan) {
    if (activeTurns >= fanout.maxConcurrency()) {
      try {
        Workflow.await(() -> activeTurns < fanout.maxConcurrency());
      } catch (CanceledFailure e) {
        return turn.cancelledBeforeStart(cancelReason == null ? e.getMessage() : cancelReason);
      }
    }
    activeTurns++;
    long began = Workflow.currentTimeMillis();
    try {
      return turn.run(plan);
    } finally {
      activeTurns--;
      durationsMs.put(turn.sessionId(), Workflow.currentTimeMillis() - began);
    }
  }

  /** The reviewer gate of a coder fanout, or null. */
  private CandidateReviewer reviewerOf(DelegationRequest request, SandboxActivities sandbox) {
    CoderArgs.Reviewer r = fanout.reviewer();
    if (r == null) {
      return null;
    }
    if (CoderArgs.Reviewer.COMMAND.equals(r.kind())) {
      return new CommandReviewer(sandbox, r.cmd());
    }
    String goal = request.args().path("goal").asText("");
    return new ModelReviewer(taskId, goal, r.model(), reviewSpends::add);
  }

  /**
   * The KB-gate judges of a researcher's {@code config.judges}, made per box: a command judge runs
   * in the session's box, a model judge is metered on this delegation's ledger.
   */
  private java.util.function.Function<SandboxLease, List<FactJudge>> judgesOf(
      DelegationRequest request, SandboxActivities sandbox) {
    JsonNode specs = request.args().path("config").path("judges");
    if (fanoutVersion == Workflow.DEFAULT_VERSION || !specs.isArray() || specs.isEmpty()) {
      return lease -> List.of();
    }
    return lease -> {
      List<FactJudge> judges = new ArrayList<>();
      for (JsonNode j : specs) {
        if (CoderArgs.Reviewer.COMMAND.equals(j.path("kind").asText())) {
          judges.add(
              new CommandFactJudge(
                  DelegationPolicies.sandboxOnHost(lease), lease, j.path("cmd").asText()));
        } else {
          judges.add(
              new ModelFactJudge(
                  taskId, lease.sessionId(), j.path("model").asText(), reviewSpends::add));
        }
      }
      return judges;
    };
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
    // A model reviewer's or judge's calls are the delegation's spend too: each its own entry.
    // In candidate order, not in the order the calls happened to finish, so every run of the
    // same delegation writes its ledger in the same order.
    for (SandboxTurn turn : turns) {
      for (ModelReviewer.ReviewSpend r : reviewSpends) {
        if (r.nodeId().startsWith(turn.sessionId() + ":")) {
          index++;
          pool.observe(r.spend());
          ledger.metered(r.nodeId(), r.spend(), r.model(), index);
        }
      }
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
    if (fanoutVersion == Workflow.DEFAULT_VERSION) {
      return concludeLegacy(all);
    }
    List<WinnerSelection.Candidate> eligible = new ArrayList<>();
    int variant = 0;
    for (TurnOutcome o : all) {
      variant++;
      if (o.isCompleted()) {
        eligible.add(candidate(variant, o));
      }
    }
    int maxDiffLines = maxDiffLinesOf(request);
    for (WinnerSelection.Candidate c : eligible) {
      scores.put(c.sessionId(), WinnerSelection.score(c, maxDiffLines));
    }
    var won = WinnerSelection.pick(fanout.winner(), eligible, maxDiffLines);
    if (won.isPresent()) {
      winner = won.get().sessionId();
      return finish(DelegationStatus.COMPLETED, outcomes.get(winner).output(), null);
    }
    TurnOutcome first = all.get(0);
    if (all.size() == 1) {
      return finish(
          DelegationStatus.FAILED,
          null,
          new DelegationError(first.errorMessage(), first.errorKind()));
    }
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      String harness = turns.get(i).harness();
      reasons.add(
          all.get(i).sessionId()
              + (harness == null ? "" : " (" + harness + ")")
              + ": "
              + all.get(i).errorMessage());
    }
    String message =
        "no candidate of " + all.size() + " was eligible: " + String.join("; ", reasons);
    return finish(
        DelegationStatus.FAILED,
        null,
        new DelegationError(message, DelegationFailures.NO_ELIGIBLE_CANDIDATE));
  }

  private static WinnerSelection.Candidate candidate(int variant, TurnOutcome o) {
    JsonNode out = o.output();
    CoderReview review = null;
    if (out != null && out.hasNonNull("review")) {
      review = Json.convert(out.get("review"), CoderReview.class);
    }
    int files = out != null && out.has("filesTouched") ? out.get("filesTouched").size() : 0;
    return new WinnerSelection.Candidate(variant, o.sessionId(), diffLines(o), files, review);
  }

  /** Before fanout: the validated change with the smallest diff, the first of equals. */
  private DelegationResult concludeLegacy(List<TurnOutcome> all) {
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

  private static int maxDiffLinesOf(DelegationRequest request) {
    JsonNode max = request.args().path("config").get("maxDiffLines");
    return max != null && max.canConvertToInt()
        ? max.asInt()
        : DelegationPolicies.DEFAULT_MAX_DIFF_LINES;
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
        List.copyOf(feedback),
        winner,
        null);
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
              o == null ? null : o.evidence(),
              turn.harness(),
              turn.model(),
              o == null ? null : candidateSpend(o),
              scores.get(turn.sessionId()),
              winner == null ? null : winner.equals(turn.sessionId()),
              turn.host()));
    }
    return views;
  }

  /** What one candidate cost: its harness turn (if dispatched) and its model reviews. */
  private Spend candidateSpend(TurnOutcome o) {
    Spend total = o.dispatched() ? TurnUsage.spendOf(o.usage()) : null;
    for (ModelReviewer.ReviewSpend r : reviewSpends) {
      if (r.nodeId().startsWith(o.sessionId() + ":")) {
        total = total == null ? r.spend() : total.plus(r.spend());
      }
    }
    return total;
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
    // List.of(...).contains(null) throws: a request without a profile must still be refused.
    return profile != null && DelegationProfiles.ALL.contains(profile) ? profile : null;
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
