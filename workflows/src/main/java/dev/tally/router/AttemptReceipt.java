package dev.tally.router;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;

/**
 * What a failed {@code RouterChat} call may have cost, carried as a detail of its failure so the
 * workflow can meter it: a call the router may have billed is never dropped from the ledger.
 *
 * @param model the model asked for or reported
 * @param usage the usage receipt when one parsed (even if the message did not), else null
 * @param costUsd dollars for that receipt when known, else null
 * @param usdSource where {@code costUsd} came from
 * @param unreceiptedAttempts attempts of this call that were sent and ended without a receipt
 *     (timeouts, a worker that died mid-call): each may have been billed, at a cost nobody knows
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttemptReceipt(
    String model, Usage usage, BigDecimal costUsd, UsdSource usdSource, int unreceiptedAttempts) {

  /** Position of this record in a failure's details (after the model and the usage). */
  public static final int DETAIL_INDEX = 2;
}
