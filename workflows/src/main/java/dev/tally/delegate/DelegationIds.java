package dev.tally.delegate;

import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Deterministic ids of a delegation: the task id (also the workflow id) from a canonical hash of
 * the input, and the session ids of its sandbox turns from the task id.
 */
public final class DelegationIds {
  /** Hex digits of the input hash kept in a task id (64 bits). */
  static final int HASH_HEX_DIGITS = 16;

  private DelegationIds() {}

  /**
   * {@code dlg-<profile>-<first 16 hex of sha256 of the canonical JSON of {profile, args,
   * namespace}>}. Canonical means keys sorted at every depth and absent (null) fields dropped, so
   * the same request always gets the same id and any change to what is asked gets a new one.
   */
  public static String taskId(DelegationRequest request) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(request.profile(), "request.profile");
    String ref =
        Json.sha256Ref(Json.canonical(request.identity()).getBytes(StandardCharsets.UTF_8));
    String hex = ref.substring("sha256:".length(), "sha256:".length() + HASH_HEX_DIGITS);
    return "dlg-" + request.profile() + "-" + hex;
  }

  /** The session of variant {@code variant} (1-based) of task {@code taskId}. */
  public static String sessionId(String taskId, int variant) {
    return taskId + "-v" + variant;
  }
}
