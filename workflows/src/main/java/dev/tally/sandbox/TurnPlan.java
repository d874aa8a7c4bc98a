package dev.tally.sandbox;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one sandbox turn should do. Workflow-side only (it holds callbacks), never sent on the wire.
 *
 * @param profile what the turn is, passed to the provider when it makes the box
 * @param repoRoot the repository a coder box is a working copy of; null for an empty box
 * @param prompt the turn's message
 * @param tickIntervalMs the pause between ticks when the caller chose one; null to take the
 *     worker's setting from the lease
 * @param wallCapMs the session's wall-clock cap when the caller chose one; null to take the
 *     worker's
 * @param defaultTickIntervalMs the pause when neither the caller nor the worker chose one
 * @param defaultWallCapMs the cap when neither the caller nor the worker chose one
 * @param settler turns a completed tick into the turn's output, or refuses it
 * @param onBound told the session reference as soon as the box exists
 */
public record TurnPlan(
    String profile,
    String repoRoot,
    String prompt,
    Long tickIntervalMs,
    Long wallCapMs,
    long defaultTickIntervalMs,
    long defaultWallCapMs,
    Settler settler,
    Consumer<SessionRef> onBound) {

  public TurnPlan {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(settler, "settler");
    onBound = onBound == null ? ref -> {} : onBound;
    if (defaultTickIntervalMs <= 0 || defaultWallCapMs <= 0) {
      throw new IllegalArgumentException(
          "turn plan defaults: expected positive tick interval and wall cap, got "
              + defaultTickIntervalMs
              + " ms and "
              + defaultWallCapMs
              + " ms");
    }
  }

  /** The pause between ticks: the caller's choice, else the worker's, else the default. */
  long tickIntervalFor(SandboxLease lease) {
    return positiveOr(tickIntervalMs, positiveOr(lease.tickIntervalMs(), defaultTickIntervalMs));
  }

  /** The wall-clock cap: the caller's choice, else the worker's, else the default. */
  long wallCapFor(SandboxLease lease) {
    return positiveOr(wallCapMs, positiveOr(lease.wallCapMs(), defaultWallCapMs));
  }

  private static long positiveOr(Long value, long fallback) {
    return value != null && value > 0 ? value : fallback;
  }
}
