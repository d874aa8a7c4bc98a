package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Output of {@code CancelSession} and {@code ReleaseSandbox}.
 *
 * @param sessionId the session
 * @param changed true when this call did something, false when it had already been done (or there
 *     was nothing to do)
 * @param detail what happened, for people
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionReceipt(String sessionId, boolean changed, String detail) {}
