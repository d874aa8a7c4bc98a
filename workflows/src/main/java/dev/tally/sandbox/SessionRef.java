package dev.tally.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a detached turn lives: {@code sandbox=<id>;session=<id>}, or {@code session=<id>} before a
 * box is bound. Recorded as soon as the box exists so that anyone holding the history can find the
 * session again.
 *
 * @param sandboxId the box, or null when none is bound yet
 * @param sessionId the session, never blank
 */
public record SessionRef(String sandboxId, String sessionId) {
  private static final String SANDBOX = "sandbox";
  private static final String SESSION = "session";

  public SessionRef {
    requireId("sessionId", sessionId);
    if (sandboxId != null) {
      requireId("sandboxId", sandboxId);
    }
  }

  /** The text form: {@code sandbox=<id>;session=<id>} or {@code session=<id>}. */
  public String format() {
    return sandboxId == null
        ? SESSION + "=" + sessionId
        : SANDBOX + "=" + sandboxId + ";" + SESSION + "=" + sessionId;
  }

  @Override
  public String toString() {
    return format();
  }

  /**
   * The strict inverse of {@link #format()}: only the keys {@code sandbox} and {@code session},
   * each at most once, non-empty values, {@code session} required.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static SessionRef parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(
          "session ref: expected sandbox=<id>;session=<id>, got "
              + (text == null ? "null" : "an empty string"));
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : text.split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "session ref: expected key=value parts separated by ';', got part '"
                + part
                + "' in '"
                + text
                + "'");
      }
      String key = part.substring(0, eq);
      String value = part.substring(eq + 1);
      if (!SANDBOX.equals(key) && !SESSION.equals(key)) {
        throw new IllegalArgumentException(
            "session ref: expected keys 'sandbox' and 'session', got key '"
                + key
                + "' in '"
                + text
                + "'");
      }
      if (parts.containsKey(key)) {
        throw new IllegalArgumentException(
            "session ref: expected key '" + key + "' at most once, got it twice in '" + text + "'");
      }
      if (value.isEmpty() || value.indexOf('=') >= 0) {
        throw new IllegalArgumentException(
            "session ref: expected a non-empty value without '=' for '"
                + key
                + "', got '"
                + value
                + "' in '"
                + text
                + "'");
      }
      parts.put(key, value);
    }
    if (!parts.containsKey(SESSION)) {
      throw new IllegalArgumentException(
          "session ref: expected a 'session' key, got none in '" + text + "'");
    }
    return new SessionRef(parts.get(SANDBOX), parts.get(SESSION));
  }

  private static void requireId(String field, String id) {
    Objects.requireNonNull(id, field);
    if (id.isBlank() || id.indexOf(';') >= 0 || id.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          field + ": expected a non-blank id without ';' or '=', got '" + id + "'");
    }
  }
}
