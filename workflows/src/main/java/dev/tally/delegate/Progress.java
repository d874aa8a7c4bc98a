package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How far a delegation is.
 *
 * @param iteration sandbox ticks made so far (all variants)
 * @param phase e.g. {@code acquiring}, {@code detached-running 12s}, {@code settling}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Progress(int iteration, String phase) {}
