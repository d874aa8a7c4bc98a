package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input of {@code AcquireSandbox}.
 *
 * @param sessionId the session the box is for; derived from the task id, so a retry finds the same
 *     box
 * @param profile what the turn is ({@code coder}, {@code researcher}, {@code sandbox})
 * @param repoRoot the repository a coder session works on (a working copy is made of it); null for
 *     a session that starts empty
 * @param harness the worker's named harness to run ({@code TALLY_HARNESSES}); null for the default
 *     ({@code TALLY_LOCAL_HARNESS})
 * @param model the model the harness is asked to use, passed as {@code TALLY_MODEL}; null for the
 *     harness's own choice
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AcquireSandboxRequest(
    String sessionId, String profile, String repoRoot, String harness, String model) {

  /** A request for the default harness and model. */
  public AcquireSandboxRequest(String sessionId, String profile, String repoRoot) {
    this(sessionId, profile, repoRoot, null, null);
  }
}
