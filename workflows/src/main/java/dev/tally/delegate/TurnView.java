package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One sandbox turn of a delegation as the status shows it.
 *
 * @param sessionId the session
 * @param sessionRef {@code sandbox=<id>;session=<id>} once the box exists
 * @param phase where the turn is, or how it ended
 * @param ticks {@code DriveTurn} passes made
 * @param error why it failed, when it did
 * @param evidence what settling was based on (a coder turn's validation report, patch left out)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnView(
    String sessionId,
    String sessionRef,
    String phase,
    int ticks,
    DelegationError error,
    JsonNode evidence) {}
