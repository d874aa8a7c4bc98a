package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Output of {@code AcquireSandbox}: the box a session runs in, and the worker's timing settings,
 * which reach the workflow this way because workflow code never reads the environment.
 *
 * @param sandboxId the box
 * @param sessionId the session
 * @param provider which sandbox provider made it (e.g. {@code local})
 * @param baseCommit the commit a coder session's diff is computed against; null for other profiles
 * @param tickIntervalMs the worker's configured pause between ticks, or null for the default
 * @param wallCapMs the worker's configured wall-clock cap per session, or null for the default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxLease(
    String sandboxId,
    String sessionId,
    String provider,
    String baseCommit,
    Long tickIntervalMs,
    Long wallCapMs) {

  /** The session reference this lease binds. */
  public SessionRef ref() {
    return new SessionRef(sandboxId, sessionId);
  }
}
