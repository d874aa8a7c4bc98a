package dev.tally.supervise;

import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.router.AttemptReceipt;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;

/**
 * A router call that failed after the router may have billed it: the failure carries what is known
 * (an {@link AttemptReceipt}: usage that parsed, its price, attempts that ended without a receipt),
 * and the call is metered with it, unknown where nothing is known, never as free.
 */
final class FailedTurn {
  private FailedTurn() {}

  /** What the failed call spent, or null when {@code failure} says nothing was billed. */
  static Spend spendOf(ActivityFailure failure, long iterations) {
    if (!(failure.getCause() instanceof ApplicationFailure app)) {
      return null;
    }
    if (app.getDetails().getSize() > AttemptReceipt.DETAIL_INDEX) {
      AttemptReceipt r = app.getDetails().get(AttemptReceipt.DETAIL_INDEX, AttemptReceipt.class);
      if (r != null) {
        boolean clean = r.unreceiptedAttempts() == 0;
        return new Spend(
            iterations,
            r.usage() == null ? 0 : r.usage().inputTokens(),
            r.usage() == null ? 0 : r.usage().outputTokens(),
            r.costUsd() == null ? BigDecimal.ZERO : r.costUsd(),
            0,
            r.usage() != null && clean,
            r.costUsd() != null && clean && r.usdSource() != null
                ? r.usdSource()
                : UsdSource.UNKNOWN);
      }
    }
    return UnpricedTurn.spendOf(failure, iterations);
  }

  /** The model named by the failure, or null. */
  static String modelOf(ActivityFailure failure) {
    if (!(failure.getCause() instanceof ApplicationFailure app)
        || app.getDetails().getSize() == 0) {
      return null;
    }
    return app.getDetails().get(0, String.class);
  }
}
