package dev.tally.supervise;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.json.RecordReader;
import dev.tally.ledger.Budget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code SupervisedRun} input from its JSON without ever failing: whatever is wrong (not an
 * object, an unknown field such as a misspelt {@code maxUSD}, text where a number belongs, a
 * fraction for an integer) becomes an input problem in words, which {@link RunRequestRules} turns
 * into the typed, non-retryable {@code InvalidRunRequest} naming the field. A workflow input that
 * cannot be read would otherwise fail with the JSON library's message, or not at all.
 */
public final class RunRequestReader {
  private static final RecordReader<RunRequest> READER =
      new RecordReader<>(
          RunRequest.class,
          "RunRequest",
          "",
          nested(),
          Map.of("driver", "driver", "judge", "judge"),
          // The run's own, set when it continues-as-new: read, but not a field to offer a client.
          Set.of("carried"));

  private RunRequestReader() {}

  /** The request in {@code json}, with its input problems attached when there are any. */
  public static RunRequest read(ObjectMapper mapper, byte[] json) {
    RecordReader.Reading<RunRequest> reading = READER.read(mapper, json);
    RunRequest bound =
        reading.value() != null
            ? reading.value()
            : new RunRequest(null, null, null, null, null, null, null, null, null);
    return reading.problems().isEmpty() ? bound : bound.withInputProblems(reading.problems());
  }

  /** The nested records whose unknown fields are refused, in the order they are checked. */
  private static Map<String, Class<? extends Record>> nested() {
    Map<String, Class<? extends Record>> out = new LinkedHashMap<>();
    out.put("budget", Budget.class);
    out.put("perWorker", Budget.class);
    out.put("driver", DriverSettings.class);
    out.put("judge", JudgeSettings.class);
    return out;
  }
}
