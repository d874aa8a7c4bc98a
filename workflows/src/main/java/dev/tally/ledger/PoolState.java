package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.util.List;

/**
 * Everything a {@link BudgetPool} knows, as one record, so a run can carry its pool across
 * continue-as-new and rebuild it exactly with {@link BudgetPool#restore(PoolState)}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PoolState(
    Budget root,
    long runStartedAtMs,
    long freeTokens,
    long reservedTokens,
    long committedTokens,
    long freeIterations,
    long reservedIterations,
    long committedIterations,
    BigDecimal freeUsd,
    BigDecimal reservedUsd,
    BigDecimal committedUsd,
    boolean usdClosed,
    Spend committed,
    int nextTicketId,
    List<Ticket> open) {

  public PoolState {
    open = List.copyOf(open);
  }
}
