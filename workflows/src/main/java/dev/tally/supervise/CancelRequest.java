package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Signal {@code cancel}: stop the run (or worker), settle everything, say why.
 *
 * @param reason why, shown in the ledger and the result
 * @param finishCallInFlight true when a router call in flight should still finish (and be metered
 *     exactly) before the worker stops: how a run that ends normally winds its workers down. Absent
 *     or false, as from any operator or client, the call in flight is aborted: cancel stops
 *     spending.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CancelRequest(String reason, Boolean finishCallInFlight) {

  /** A cancel that aborts any call in flight. */
  public CancelRequest(String reason) {
    this(reason, null);
  }

  /** Whether a call in flight should be aborted. */
  public boolean abortsCallInFlight() {
    return !Boolean.TRUE.equals(finishCallInFlight);
  }
}
