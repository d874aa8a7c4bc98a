package dev.tally.ledger;

import java.util.List;

/** The answer to {@link BudgetPool#reserve}: a ticket, or a refusal that changed nothing. */
public sealed interface Admission {

  /** The whole ceiling was reserved. */
  record Admitted(Ticket ticket) implements Admission {}

  /**
   * Nothing was reserved.
   *
   * @param reason {@code budget-exhausted} or {@code usd-unbudgeted}
   * @param shortfalls every channel that did not fit; for {@code usd-unbudgeted}, the token and
   *     iteration channels that were short as well (often none)
   */
  record Refused(String reason, List<Shortfall> shortfalls) implements Admission {
    public Refused {
      shortfalls = List.copyOf(shortfalls);
    }
  }

  String BUDGET_EXHAUSTED = "budget-exhausted";
  String USD_UNBUDGETED = "usd-unbudgeted";
}
