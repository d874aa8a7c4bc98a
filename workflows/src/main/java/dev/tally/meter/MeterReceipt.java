package dev.tally.meter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the meter did with a batch.
 *
 * @param recorded entries seen for the first time
 * @param duplicates entries already recorded under the same key (a retry or a replay)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MeterReceipt(int recorded, int duplicates) {}
