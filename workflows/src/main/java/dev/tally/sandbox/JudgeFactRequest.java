package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Input of {@code JudgeFact}: a KB-gate judge command run in a research session's box.
 *
 * @param sandboxId the box
 * @param sessionId the session
 * @param command the judge; it reads the fact as JSON from {@code $TALLY_FACT_FILE} and prints
 *     {@code {accept, reason?}}
 * @param fact the fact with its source text, as JSON
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeFactRequest(String sandboxId, String sessionId, String command, JsonNode fact) {}
