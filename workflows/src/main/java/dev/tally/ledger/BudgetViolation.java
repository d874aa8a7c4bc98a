package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.util.List;

/** A settlement that spent more than it reserved: the true spend was committed anyway. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BudgetViolation(List<Overspend> overspent) {

  /** One channel over its reservation. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Overspend(String channel, BigDecimal reserved, BigDecimal spent) {}
}
