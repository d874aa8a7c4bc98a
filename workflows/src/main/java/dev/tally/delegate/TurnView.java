package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Spend;

/**
 * One sandbox turn of a delegation as the status shows it.
 *
 * @param sessionId the session
 * @param sessionRef {@code sandbox=<id>;session=<id>} once the box exists
 * @param phase where the turn is, or how it ended
 * @param ticks {@code DriveTurn} passes made
 * @param error why it failed, when it did
 * @param evidence what settling was based on (a coder turn's validation report, patch left out, and
 *     its review)
 * @param harness the named harness it ran (null: the worker's default)
 * @param model the model its harness was asked to use, if any
 * @param spent what it cost: the harness turn plus, with a model reviewer, its review
 * @param score its {@code highest-score} score, when it was eligible to win
 * @param winner true on the candidate that won
 * @param host the sandbox host the box is on (its {@code TALLY_HOST_ID}), once acquired on a worker
 *     that names one; where to look for a box a lost host left
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnView(
    String sessionId,
    String sessionRef,
    String phase,
    int ticks,
    DelegationError error,
    JsonNode evidence,
    String harness,
    String model,
    Spend spent,
    Double score,
    Boolean winner,
    String host) {}
