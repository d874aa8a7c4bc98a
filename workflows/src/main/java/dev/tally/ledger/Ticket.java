package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * A single-use claim on the pool, minted by {@link BudgetPool#reserve}.
 *
 * @param id deterministic, counts from zero within one pool
 * @param tokens tokens held
 * @param iterations iterations held
 * @param usd dollars held (zero when the child declared no dollar ceiling)
 * @param usdBudgeted whether the child declared {@code maxUsd}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Ticket(int id, long tokens, long iterations, BigDecimal usd, boolean usdBudgeted) {}
