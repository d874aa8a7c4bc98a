package dev.tally.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Header values derived from workflow ids. A workflow id may be any Unicode text ({@code
 * run-ümlaut-日本}, a space, a control character), but an HTTP header value must be printable ASCII:
 * the JDK's client refuses anything else before sending, which would fail every attempt of the
 * call. Such a key is sent as the SHA-256 of its UTF-8 bytes instead: still stable across the
 * retries of one call, and still different for every other call.
 */
public final class HeaderValues {
  /** Longest key sent as it is; longer ones are hashed too (some gateways cap header sizes). */
  static final int MAX_PLAIN_CHARS = 200;

  /** The prefix of a hashed key. */
  public static final String HASHED_PREFIX = "sha256:";

  private HeaderValues() {}

  /** {@code key} when it is short printable ASCII, else {@code sha256:<hex of its UTF-8 bytes>}. */
  public static String idempotencyKey(String key) {
    Objects.requireNonNull(key, "key");
    return isPlain(key) ? key : HASHED_PREFIX + sha256(key);
  }

  private static boolean isPlain(String key) {
    if (key.isEmpty() || key.length() > MAX_PLAIN_CHARS) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
