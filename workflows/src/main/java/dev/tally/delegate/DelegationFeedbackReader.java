package dev.tally.delegate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.json.RecordReader;
import java.util.Map;

/**
 * Reads a delegation's {@code feedback} signal without ever failing: a score sent as text, a bare
 * string or an unknown field becomes a problem naming the field, reported in {@code
 * status.rejectedFeedback}, instead of a signal the SDK drops without a word.
 */
public final class DelegationFeedbackReader {
  private static final RecordReader<DelegationFeedback> READER =
      new RecordReader<>(
          DelegationFeedback.class,
          "feedback {refersTo, rating {score, label?, notes?}, by?, capturedAt?}",
          "feedback",
          Map.<String, Class<? extends Record>>of("rating", DelegationFeedback.Rating.class));

  private DelegationFeedbackReader() {}

  /** The feedback in {@code json}, with its input problems attached when there are any. */
  public static DelegationFeedback read(ObjectMapper mapper, byte[] json) {
    RecordReader.Reading<DelegationFeedback> reading = READER.read(mapper, json);
    DelegationFeedback bound =
        reading.value() != null ? reading.value() : new DelegationFeedback(null, null, null, null);
    return reading.problems().isEmpty() ? bound : bound.withInputProblems(reading.problems());
  }
}
