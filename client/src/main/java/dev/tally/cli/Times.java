package dev.tally.cli;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Protobuf timestamps as ISO-8601 instants, to the second. */
final class Times {
  private Times() {}

  static String iso(Timestamp t) {
    return instant(t).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
