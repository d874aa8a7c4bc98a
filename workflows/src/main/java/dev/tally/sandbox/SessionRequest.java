package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input of {@code CancelSession} and {@code ReleaseSandbox}.
 *
 * @param sandboxId the box, or null when the workflow never learned it (cancelled while acquiring)
 * @param sessionId the session
 * @param reason why, for the provider's records
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionRequest(String sandboxId, String sessionId, String reason) {}
