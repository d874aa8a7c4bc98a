package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void parse_seconds_isThatManySeconds() {
    assertThat(RetryAfter.parse(" 12 ", CLOCK)).contains(Duration.ofSeconds(12));
  }

  @Test
  void parse_httpDate_isTimeUntilThen() {
    assertThat(RetryAfter.parse("Sun, 01 Mar 2026 12:02:30 GMT", CLOCK))
        .contains(Duration.ofSeconds(150));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"0", "soon", "-5", "1.5", "Sun, 01 Mar 2026 11:00:00 GMT"})
  void parse_absentUnreadableOrPast_isEmpty(String header) {
    assertThat(RetryAfter.parse(header, CLOCK)).isEmpty();
  }

  @Test
  void parse_hugeValue_isCappedAtMax() {
    assertThat(RetryAfter.parse("999999", CLOCK)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("99999999999999999999999", CLOCK)).contains(RetryAfter.MAX);
  }
}
