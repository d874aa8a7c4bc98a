package dev.tally.supervise;

import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.router.Usage;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;

/**
 * A model call refused after the fact because its dollars cannot be counted under a dollar cap. The
 * call happened and its tokens are known (the failure carries the model and the usage), so they are
 * metered with unknown dollars rather than dropped.
 */
final class UnpricedTurn {
  private UnpricedTurn() {}

  /** What the refused call spent, or null when {@code failure} is something else. */
  static Spend spendOf(ActivityFailure failure, long iterations) {
    if (!(failure.getCause() instanceof ApplicationFailure app)
        || !Failures.UNPRICED_MODEL.equals(app.getType())) {
      return null;
    }
    Usage usage = app.getDetails().getSize() > 1 ? app.getDetails().get(1, Usage.class) : null;
    return new Spend(
        iterations,
        usage == null ? 0 : usage.inputTokens(),
        usage == null ? 0 : usage.outputTokens(),
        BigDecimal.ZERO,
        0,
        usage != null,
        UsdSource.UNKNOWN);
  }

  /** The model named by the failure, or null. */
  static String modelOf(ActivityFailure failure) {
    ApplicationFailure app = (ApplicationFailure) failure.getCause();
    return app.getDetails().getSize() > 0 ? app.getDetails().get(0, String.class) : null;
  }
}
