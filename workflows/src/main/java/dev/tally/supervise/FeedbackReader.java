package dev.tally.supervise;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.json.RecordReader;
import java.util.Map;

/**
 * Reads a rating (the {@code feedback} signal's and the {@code rate} update's argument) without
 * ever failing: a score sent as text, a bare string or an unknown field becomes a problem naming
 * the field, which the {@code rate} validator refuses with and the signal reports in {@code
 * status.lastError}, instead of a signal the SDK drops without a word.
 */
public final class FeedbackReader {
  private static final RecordReader<Feedback> READER =
      new RecordReader<>(
          Feedback.class, "rating {score, label?, notes?, by?}", "feedback", Map.of());

  private FeedbackReader() {}

  /** The rating in {@code json}, with its input problems attached when there are any. */
  public static Feedback read(ObjectMapper mapper, byte[] json) {
    RecordReader.Reading<Feedback> reading = READER.read(mapper, json);
    Feedback bound =
        reading.value() != null ? reading.value() : new Feedback(null, null, null, null);
    return reading.problems().isEmpty() ? bound : bound.withInputProblems(reading.problems());
  }
}
