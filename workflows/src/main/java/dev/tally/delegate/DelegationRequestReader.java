package dev.tally.delegate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.json.RecordReader;
import dev.tally.supervise.EvalRunLabels;
import java.util.Map;

/**
 * Reads a {@code Delegation} input from its JSON without ever failing: an unknown field (a misspelt
 * {@code wallCapMS} must not mean "the worker's cap"), text where a number belongs or a fraction
 * for an integer becomes an input problem in words, which {@link DelegationRules} turns into the
 * typed, non-retryable {@code InvalidDelegationRequest} naming the field. The profile's {@code
 * args} are checked field by field by {@link DelegationRules} itself.
 */
public final class DelegationRequestReader {
  private static final RecordReader<DelegationRequest> READER =
      new RecordReader<>(
          DelegationRequest.class,
          "DelegationRequest",
          "",
          Map.<String, Class<? extends Record>>of("evalRun", EvalRunLabels.class));

  private DelegationRequestReader() {}

  /** The request in {@code json}, with its input problems attached when there are any. */
  public static DelegationRequest read(ObjectMapper mapper, byte[] json) {
    RecordReader.Reading<DelegationRequest> reading = READER.read(mapper, json);
    DelegationRequest bound =
        reading.value() != null
            ? reading.value()
            : new DelegationRequest(null, null, null, null, null, null);
    return reading.problems().isEmpty() ? bound : bound.withInputProblems(reading.problems());
  }
}
