package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How good a delivered output is.
 *
 * @param valid whether the output meets its contract (a chat answer: non-empty)
 * @param score 0..1, higher is better; ties go to the first settled
 * @param notes why, for humans
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(boolean valid, double score, String notes) {}
