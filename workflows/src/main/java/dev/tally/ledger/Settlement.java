package dev.tally.ledger;

/**
 * What {@link BudgetPool#reconcile} decided after settling a ticket.
 *
 * @param violation measured overspend, or null
 * @param failedClosed true when unknown dollars arrived under a dollar cap: the child must settle
 *     {@code down} as an infrastructure fault and dollar admission is closed for the rest of the
 *     run
 */
public record Settlement(BudgetViolation violation, boolean failedClosed) {

  public static final String UNKNOWN_USD_UNDER_CAP =
      "reported unknown dollar cost under a dollar-capped budget";
}
