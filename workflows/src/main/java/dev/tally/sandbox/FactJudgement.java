package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Output of {@code JudgeFact}.
 *
 * @param accept whether the judge accepts the fact
 * @param reason why, in the judge's words (or why its output could not be used)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FactJudgement(boolean accept, String reason) {}
