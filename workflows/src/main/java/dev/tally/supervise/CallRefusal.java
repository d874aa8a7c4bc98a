package dev.tally.supervise;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * A router call the activity refused before sending it ({@code CallNotAdmitted}): nothing billed.
 */
final class CallRefusal {
  private CallRefusal() {}

  static boolean is(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure app
        && Failures.CALL_NOT_ADMITTED.equals(app.getType());
  }

  static String message(ActivityFailure failure) {
    return ((ApplicationFailure) failure.getCause()).getOriginalMessage();
  }
}
