package dev.tally.router.admission;

import java.math.BigDecimal;
import java.util.List;

/**
 * One generated adversarial run: the root's ceilings and, per driver turn, the spawns the driver
 * asks for (tiny, zero and oversized budgets, chat and nested drivers, floods).
 *
 * @param rootTokens root maxTokens
 * @param rootIterations root maxIterations
 * @param rootUsd root maxUsd, or null for uncapped dollars
 * @param bytesPerToken how the router counts prompt tokens (2 is worse than Tally's estimate)
 * @param wantedCompletion completion tokens the model would write if nothing capped it
 * @param awaitsPerTurn {@code await_event} calls after each turn's spawns
 * @param turns spawns per driver turn, used by every driver node
 */
record AdversarialPlan(
    long rootTokens,
    long rootIterations,
    BigDecimal rootUsd,
    int bytesPerToken,
    long wantedCompletion,
    int awaitsPerTurn,
    List<List<Spawn>> turns) {

  /** One {@code spawn_worker} call; {@code usd} null leaves maxUsd to the per-worker default. */
  record Spawn(String profile, long tokens, long iterations, BigDecimal usd) {}
}
