package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.sandbox.CoderChecks;
import dev.tally.sandbox.SandboxActivities;
import dev.tally.sandbox.SandboxLease;
import dev.tally.sandbox.SessionRef;
import dev.tally.sandbox.SettleTurnRequest;
import dev.tally.sandbox.Settler;
import dev.tally.sandbox.TurnPlan;
import dev.tally.sandbox.TurnTick;
import dev.tally.sandbox.ValidationReport;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a coder or researcher turn is planned and settled, shared by {@code Delegation} and by the
 * {@code sandbox} worker profile of supervised runs, so both validate a change the same way.
 */
public final class TurnPlans {
  private TurnPlans() {}

  /**
   * The plan of one coder or researcher turn: its prompt, its timing and how it is settled.
   *
   * @param onBound called with the session reference as soon as the box exists
   */
  public static TurnPlan forRequest(DelegationRequest request, Consumer<SessionRef> onBound) {
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
          (lease, tick) -> settleCode(lease, tick, checks),
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
        TurnPlans::settleResearch,
        onBound);
  }

  /** A coder turn's change goes through the validator in its box; only a valid one is kept. */
  private static Settler.Settlement settleCode(
      SandboxLease lease, TurnTick tick, CoderChecks checks) {
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
    CodeChange change =
        new CodeChange(
            tick.text(),
            report.patch(),
            report.baseCommit(),
            report.filesTouched(),
            report.diffLines(),
            report.checks(),
            lease.ref().format());
    return Settler.Settlement.accept(Json.CANONICAL.valueToTree(change), evidence);
  }

  /** A research turn is kept when it answered something. */
  private static Settler.Settlement settleResearch(SandboxLease lease, TurnTick tick) {
    if (tick.text() == null || tick.text().isBlank()) {
      return Settler.Settlement.refuse("research turn answered nothing", null);
    }
    ResearchAnswer answer = new ResearchAnswer(tick.text(), tick.result(), lease.ref().format());
    return Settler.Settlement.accept(Json.CANONICAL.valueToTree(answer), null);
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
