package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input of {@code SettleTurn}.
 *
 * @param sandboxId the box
 * @param sessionId the session whose working copy is validated
 * @param baseCommit the commit the diff is computed against
 * @param checks what the change must pass
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettleTurnRequest(
    String sandboxId, String sessionId, String baseCommit, CoderChecks checks) {}
