package dev.tally.router;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header: either whole seconds or an HTTP date (RFC 9110
 * §10.2.3).
 */
final class RetryAfter {
  /**
   * The longest wait honoured. A router that asks for more is obeyed up to here, so that a broken
   * header cannot park a run for days while still respecting any realistic rate limit.
   */
  static final Duration MAX = Duration.ofMinutes(15);

  private RetryAfter() {}

  /**
   * The delay a header asks for, measured from {@code clock}'s now; empty when the header is
   * absent, unreadable, or names a moment already past.
   */
  static Optional<Duration> parse(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    Duration delay;
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        delay = Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        // More digits than a long holds: far beyond the cap anyway.
        delay = MAX;
      }
    } else {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        delay = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (delay.isNegative() || delay.isZero()) {
      return Optional.empty();
    }
    return Optional.of(delay.compareTo(MAX) > 0 ? MAX : delay);
  }
}
