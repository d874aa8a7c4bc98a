package dev.tally.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picocli's usage errors in the CLI's own words: a value that does not convert says what was
 * expected and what arrived ({@code --max-usd: expected a number, got 'lots'}), never a Java type
 * or exception name such as {@code BigDecimal (java.lang.NumberFormatException: ...)}.
 */
final class UsageMessages {
  private static final Pattern NOT_A =
      Pattern.compile("'([^']*)' is not an? (long|int|short|byte|double|float)\\b");
  private static final Pattern CANNOT_CONVERT =
      Pattern.compile("cannot convert '([^']*)' to (\\w+)(?: \\(.*\\))?$");
  private static final Map<String, String> EXPECTED =
      Map.ofEntries(
          Map.entry("long", "an integer"),
          Map.entry("int", "an integer"),
          Map.entry("short", "an integer"),
          Map.entry("byte", "an integer"),
          Map.entry("Long", "an integer"),
          Map.entry("Integer", "an integer"),
          Map.entry("BigInteger", "an integer"),
          Map.entry("double", "a number"),
          Map.entry("float", "a number"),
          Map.entry("Double", "a number"),
          Map.entry("BigDecimal", "a number"),
          Map.entry("Path", "a file path"),
          Map.entry("Duration", "a duration such as 90s, 10m or 2h"));

  private UsageMessages() {}

  /** {@code message} with conversion failures said plainly; other messages unchanged. */
  static String plain(String message) {
    Matcher notA = NOT_A.matcher(message);
    if (notA.find()) {
      return message.substring(0, notA.start())
          + "expected "
          + EXPECTED.get(notA.group(2))
          + ", got '"
          + notA.group(1)
          + "'"
          + message.substring(notA.end());
    }
    Matcher convert = CANNOT_CONVERT.matcher(message);
    if (convert.find()) {
      return message.substring(0, convert.start())
          + "expected "
          + EXPECTED.getOrDefault(convert.group(2), "a " + convert.group(2).toLowerCase())
          + ", got '"
          + convert.group(1)
          + "'";
    }
    return message;
  }
}
