package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * What the pool has left, as the driver and the status query see it.
 *
 * @param tokensLeft free tokens; negative after overspend
 * @param usdLeft free dollars when capped (zero once dollar admission closed), null when uncapped
 * @param usdCapped whether the root declared {@code maxUsd}
 * @param iterationsLeft free iterations
 * @param reservedTokens tokens held by open reservations
 * @param openReservations number of open tickets
 * @param deadlineAtMs absolute deadline (run start + deadlineMs), null when none
 * @param tokensKnown false once any spend arrived without a usage receipt
 * @param usdKnown false once any spend arrived without a price
 * @param committed everything settled or observed so far
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PoolReadout(
    long tokensLeft,
    BigDecimal usdLeft,
    boolean usdCapped,
    long iterationsLeft,
    long reservedTokens,
    int openReservations,
    Long deadlineAtMs,
    boolean tokensKnown,
    boolean usdKnown,
    Spend committed) {}
