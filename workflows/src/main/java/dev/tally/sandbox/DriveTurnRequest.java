package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input of {@code DriveTurn}.
 *
 * @param sandboxId the box
 * @param sessionId the session; also the turn's idempotency key
 * @param prompt the turn's message, consumed only by the pass that dispatches
 * @param wallCapMs the provider fails a session that runs longer than this; null for no cap
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriveTurnRequest(String sandboxId, String sessionId, String prompt, Long wallCapMs) {}
