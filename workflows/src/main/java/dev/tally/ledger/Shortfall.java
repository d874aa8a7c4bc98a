package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * One channel that could not fund a reservation.
 *
 * @param channel {@code tokens}, {@code iterations} or {@code usd}
 * @param requested what the spawn asked for
 * @param free what the pool had free, clamped at zero
 * @param held what open reservations hold on that channel
 * @param closedByUnknownSpend true when dollar admission closed after an unpriced settlement
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Shortfall(
    String channel,
    BigDecimal requested,
    BigDecimal free,
    BigDecimal held,
    boolean closedByUnknownSpend) {}
