package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;

/**
 * The smallest work a router-calling spawn must be able to pay for: one iteration and its first
 * call (its kind's prompt and the task, estimated, plus one output token). A ceiling below that
 * could only be spent by escaping it, so the spawn is refused as {@value #BELOW_MINIMUM_CALL}
 * before anything is reserved.
 */
final class MinimumCall {
  static final String BELOW_MINIMUM_CALL = "below-minimum-call";
  static final String DRIVER_CANNOT_FUND_A_CHILD = "driver-cannot-fund-a-child";

  private MinimumCall() {}

  /** The refusal for a spawn whose {@code budget} cannot cover its first call, or null. */
  static ObjectNode refusal(
      WorkerKind kind, JsonNode task, Budget budget, RunRequest run, boolean driverMinimum) {
    if (driverMinimum && kind instanceof DriverKind driver) {
      return driverRefusal(driver, task, budget, run);
    }
    long tokens = kind.firstCallTokens(task, run);
    if (tokens == 0) {
      // This kind makes no router call of its own (a sandbox harness reports its own usage).
      return null;
    }
    if (budget.iterations() >= 1 && budget.tokens() >= tokens) {
      return null;
    }
    ObjectNode out = Json.CANONICAL.createObjectNode().put("error", BELOW_MINIMUM_CALL);
    out.putObject("minimum").put("tokens", tokens).put("iterations", 1);
    out.putObject("requested")
        .put("tokens", budget.tokens())
        .put("iterations", budget.iterations());
    return out;
  }

  /**
   * A nested driver's budget is its children's pool: one that cannot hold a default worker beside
   * its own first turn could only spend that turn, so it is refused, saying what would do.
   */
  private static ObjectNode driverRefusal(
      DriverKind driver, JsonNode task, Budget budget, RunRequest run) {
    Budget min = driver.minimumBudget(run.perWorker(), task, run);
    boolean usdShort =
        min.usdCapped() && (!budget.usdCapped() || budget.maxUsd().compareTo(min.maxUsd()) < 0);
    if (budget.tokens() >= min.tokens() && budget.iterations() >= min.iterations() && !usdShort) {
      return null;
    }
    ObjectNode out = Json.CANONICAL.createObjectNode().put("error", DRIVER_CANNOT_FUND_A_CHILD);
    out.put(
        "why",
        "a driver's budget pays its own turns and its workers: it must hold at least one"
            + " default worker (perWorker) plus its first turn");
    ObjectNode m =
        out.putObject("minimum").put("tokens", min.tokens()).put("iterations", min.iterations());
    if (min.usdCapped()) {
      m.put("usd", min.maxUsd());
    }
    out.putObject("requested")
        .put("tokens", budget.tokens())
        .put("iterations", budget.iterations());
    return out;
  }
}
