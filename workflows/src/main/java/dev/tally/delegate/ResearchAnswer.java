package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A researcher delegation's result.
 *
 * @param answer the harness's answer
 * @param details what else the sandbox reported about the turn
 * @param sessionRef the session it came from
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResearchAnswer(String answer, JsonNode details, String sessionRef) {}
