package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.research.FactJudge;
import dev.tally.research.GroundedFacts;
import dev.tally.research.KbGate;
import dev.tally.research.KbGateOptions;
import dev.tally.research.MalformedResearchResult;
import dev.tally.research.ResearchFindings;
import dev.tally.research.ResearchFindingsParser;
import dev.tally.sandbox.CoderChecks;
import dev.tally.sandbox.CoderReview;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.SessionRef;
import dev.tally.sandbox.SettleTurnRequest;
import dev.tally.sandbox.Settler;
import dev.tally.sandbox.TurnPlan;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.ValidationReport;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a coder or researcher turn is planned and settled, shared by {@code Delegation} and by the
 * {@code sandbox} worker profile of supervised runs, so both validate a change the same way.
 */
public final class TurnPlans {
  /** The {@code Workflow.getVersion} change id of grounded research settling. */
  static final String GROUNDED_RESEARCH_CHANGE = "grounded-research";

  static final int GROUNDED_RESEARCH = 1;

  private TurnPlans() {}

  /**
   * The plan of one coder or researcher turn: its prompt, its timing and how it is settled.
   *
   * @param onBound called with the session reference as soon as the box exists
   */
  public static TurnPlan forRequest(DelegationRequest request, Consumer<SessionRef> onBound) {
    return forRequest(request, onBound, null);
  }

  /**
   * The plan of a coder or researcher turn whose validated coder change also goes past {@code
   * reviewer} (null for none) before it can be kept.
   */
  static TurnPlan forRequest(
      DelegationRequest request, Consumer<SessionRef> onBound, CandidateReviewer reviewer) {
    return forRequest(request, onBound, reviewer, lease -> List.of());
  }

  /**
   * The plan of a coder or researcher turn; a research turn's facts also go past the judges {@code
   * judges} makes for its box.
   */
  static TurnPlan forRequest(
      DelegationRequest request,
      Consumer<SessionRef> onBound,
      CandidateReviewer reviewer,
      Function<SandboxLease, List<FactJudge>> judges) {
    String profile = request.profile();
    if (DelegationProfiles.CODER.equals(profile)) {
      CoderArgs args = Json.convert(request.args(), CoderArgs.class);
      CoderChecks checks = checksOf(args);
      return new TurnPlan(
          profile,
          args.repoRoot().trim(),
          DelegationPrompts.coder(args, checks.maxDiffLines()),
          request.tickIntervalMs(),
          request.wallCapMs(),
          DelegationPolicies.DEFAULT_TICK_INTERVAL_MS,
          DelegationPolicies.DEFAULT_WALL_CAP_MS,
          (lease, tick) -> settleCode(lease, tick, checks, reviewer),
          onBound);
    }
    ResearchArgs args = Json.convert(request.args(), ResearchArgs.class);
    return new TurnPlan(
        profile,
        null,
        DelegationPrompts.researcher(args),
        request.tickIntervalMs(),
        request.wallCapMs(),
        DelegationPolicies.DEFAULT_TICK_INTERVAL_MS,
        DelegationPolicies.DEFAULT_WALL_CAP_MS,
        (lease, tick) -> settleResearch(lease, tick, gateOptionsOf(args), judges),
        onBound);
  }

  /** A coder turn's change goes through the validator in its box; only a valid one is kept. */
  private static Settler.Settlement settleCode(
      SandboxLease lease, TurnTick tick, CoderChecks checks, CandidateReviewer reviewer) {
    // Settling runs in the box, so on the box's host.
    SandboxActivities sandbox = DelegationPolicies.sandboxOnHost(lease);
    ValidationReport report =
        sandbox.settleTurn(
            new SettleTurnRequest(
                lease.sandboxId(), lease.sessionId(), lease.baseCommit(), checks));
    // The evidence leaves the patch out: it is either refused (no patch) or already the output.
    JsonNode evidence =
        Json.CANONICAL.valueToTree(
            new ValidationReport(
                report.valid(),
                null,
                report.baseCommit(),
                report.filesTouched(),
                report.diffLines(),
                report.checks(),
                report.refusals()));
    if (!report.valid()) {
      return Settler.Settlement.refuse(
          "validation refused: " + String.join("; ", report.refusals()), evidence);
    }
    CoderReview review = null;
    if (reviewer != null) {
      review = reviewer.review(lease, report);
      ObjectNode withReview = (ObjectNode) evidence;
      withReview.put("reviewer", reviewer.name());
      withReview.set("review", Json.CANONICAL.valueToTree(review));
      if (!review.approved()) {
        return Settler.Settlement.refuse(
            DelegationFailures.REVIEW_REJECTED,
            "reviewer "
                + reviewer.name()
                + " did not approve: "
                + review.recommendation()
                + " (readiness "
                + review.readiness()
                + ")"
                + (review.notes() == null ? "" : ": " + review.notes()),
            evidence);
      }
    }
    CodeChange change =
        new CodeChange(
            tick.text(),
            report.patch(),
            report.baseCommit(),
            report.filesTouched(),
            report.diffLines(),
            report.checks(),
            lease.ref().format(),
            review);
    return Settler.Settlement.accept(Json.CANONICAL.valueToTree(change), evidence);
  }

  /**
   * A research turn's answer is parsed as {@code {answer, facts, sources}} and every fact goes
   * through the KB gate: accepted and vetoed facts are both in the result. An answer that does not
   * parse is refused as {@code MalformedResearchResult} with the parse error. Histories from before
   * grounded research keep their old settling (any non-blank answer, kept as text).
   */
  private static Settler.Settlement settleResearch(
      SandboxLease lease,
      TurnTick tick,
      KbGateOptions gateOptions,
      Function<SandboxLease, List<FactJudge>> judges) {
    if (tick.text() == null || tick.text().isBlank()) {
      return Settler.Settlement.refuse("research turn answered nothing", null);
    }
    int version =
        Workflow.getVersion(GROUNDED_RESEARCH_CHANGE, Workflow.DEFAULT_VERSION, GROUNDED_RESEARCH);
    if (version == Workflow.DEFAULT_VERSION) {
      ResearchAnswer answer =
          ResearchAnswer.ungrounded(tick.text(), tick.result(), lease.ref().format());
      return Settler.Settlement.accept(Json.CANONICAL.valueToTree(answer), null);
    }
    ResearchFindings findings;
    try {
      findings = ResearchFindingsParser.parse(tick.text());
    } catch (MalformedResearchResult e) {
      return Settler.Settlement.refuse(
          DelegationFailures.MALFORMED_RESEARCH_RESULT, e.getMessage(), null);
    }
    GroundedFacts sorted = new KbGate(gateOptions, judges.apply(lease)).sort(findings);
    ResearchAnswer answer =
        new ResearchAnswer(
            findings.answer(),
            tick.result(),
            lease.ref().format(),
            sorted.accepted(),
            sorted.vetoed(),
            findings.sources());
    JsonNode evidence =
        Json.CANONICAL
            .createObjectNode()
            .put("factsProposed", findings.facts().size())
            .put("factsAccepted", sorted.accepted().size())
            .put("factsVetoed", sorted.vetoed().size());
    return Settler.Settlement.accept(Json.CANONICAL.valueToTree(answer), evidence);
  }

  /** The gate's floor settings from a researcher's {@code config} (validated before the run). */
  static KbGateOptions gateOptionsOf(ResearchArgs args) {
    JsonNode c = args.config();
    if (c == null || !c.isObject()) {
      return KbGateOptions.defaults();
    }
    JsonNode min = c.get("minPassageChars");
    List<String> kinds = new ArrayList<>();
    JsonNode self = c.get("selfArtifactKinds");
    if (self != null && self.isArray()) {
      self.forEach(k -> kinds.add(k.asText()));
    }
    return new KbGateOptions(
        min != null && min.canConvertToInt()
            ? min.asInt()
            : KbGateOptions.DEFAULT_MIN_PASSAGE_CHARS,
        kinds);
  }

  private static CoderChecks checksOf(CoderArgs args) {
    CoderArgs.Config c = args.config();
    if (c == null) {
      return new CoderChecks(null, null, List.of(), DelegationPolicies.DEFAULT_MAX_DIFF_LINES);
    }
    return new CoderChecks(
        blankToNull(c.testCmd()),
        blankToNull(c.typecheckCmd()),
        c.forbiddenPaths(),
        c.maxDiffLines() == null ? DelegationPolicies.DEFAULT_MAX_DIFF_LINES : c.maxDiffLines());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
