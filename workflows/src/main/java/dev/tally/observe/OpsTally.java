package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.Spend;

/**
 * Counts and cost of a group of ops. Dollars sum exactly with their honesty flags: one op with an
 * unknown price makes the group's dollars a floor ({@code spent.usdSource} {@code UNKNOWN}), and
 * {@code usdUnknownOps} says how many ops are behind it.
 *
 * @param ops ops in the group
 * @param succeeded of which produced a result
 * @param usdUnknownOps of which had no known price
 * @param spent everything they spent
 * @param durationMs their durations summed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OpsTally(long ops, long succeeded, long usdUnknownOps, Spend spent, long durationMs) {

  public static final OpsTally EMPTY = new OpsTally(0, 0, 0, Spend.ZERO, 0);

  public OpsTally {
    spent = spent == null ? Spend.ZERO : spent;
  }

  /** This group with {@code op} in it. */
  public OpsTally plus(Op op) {
    return new OpsTally(
        ops + 1,
        succeeded + (op.succeeded() ? 1 : 0),
        usdUnknownOps + (op.spent().usdKnown() ? 0 : 1),
        spent.plus(op.spent()),
        durationMs + op.durationMs());
  }

  /** Ops without a result. */
  public long failed() {
    return ops - succeeded;
  }
}
