package dev.tally.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as operators write them: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 2h},
 * {@code 30d}, or ISO-8601 ({@code PT10M}). A bare number is refused: whether {@code 600} meant
 * seconds or milliseconds is exactly the kind of guess that loses data.
 */
public final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * The duration {@code text} names.
   *
   * @param field the variable or option being read, for the message
   * @throws IllegalArgumentException naming {@code field}, the expected form and the actual text
   */
  public static Duration parse(String field, String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    if (t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // Falls through to the message below, which says what is accepted.
      }
    }
    throw new IllegalArgumentException(
        field
            + ": expected a duration such as 500ms, 90s, 10m, 2h, 30d or PT10M, got '"
            + (text == null ? "" : text)
            + "'");
  }
}
