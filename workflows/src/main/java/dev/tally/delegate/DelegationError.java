package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Why a delegation failed or was cancelled.
 *
 * @param message for people
 * @param kind a failure type name, e.g. {@code TurnFailed}, {@code ValidationRefused}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DelegationError(String message, String kind) {}
