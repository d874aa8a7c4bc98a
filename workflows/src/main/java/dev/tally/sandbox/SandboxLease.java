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
 * @param hostId the host the box lives on, or null when the worker predates host affinity
 * @param hostTaskQueue the task queue only that host's workers poll, where every later activity of
 *     the session runs; null with {@code hostId}
 * @param hostTimeoutMs how long a later activity may wait for that host (its schedule-to-start
 *     timeout) before the turn fails as {@code SandboxHostLost}; null for the default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxLease(
    String sandboxId,
    String sessionId,
    String provider,
    String baseCommit,
    Long tickIntervalMs,
    Long wallCapMs,
    String hostId,
    String hostTaskQueue,
    Long hostTimeoutMs) {

  /** A lease not pinned to a host: the provider's view, before the worker adds its host. */
  public SandboxLease(
      String sandboxId,
      String sessionId,
      String provider,
      String baseCommit,
      Long tickIntervalMs,
      Long wallCapMs) {
    this(sandboxId, sessionId, provider, baseCommit, tickIntervalMs, wallCapMs, null, null, null);
  }

  /** This lease without its host: for a run that acquired before host affinity existed. */
  public SandboxLease withoutHost() {
    return new SandboxLease(sandboxId, sessionId, provider, baseCommit, tickIntervalMs, wallCapMs);
  }

  /** This lease pinned to the host whose worker made the box. */
  public SandboxLease onHost(String id, String queue, long timeoutMs) {
    return new SandboxLease(
        sandboxId,
        sessionId,
        provider,
        baseCommit,
        tickIntervalMs,
        wallCapMs,
        id,
        queue,
        timeoutMs);
  }

  /** The session reference this lease binds. */
  public SessionRef ref() {
    return new SessionRef(sandboxId, sessionId);
  }
}
