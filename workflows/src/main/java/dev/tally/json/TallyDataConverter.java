package dev.tally.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * Temporal's JSON converter, made strict where money is counted: a fractional number where an
 * integer belongs ({@code "maxIterations": 1.5}) is refused instead of silently truncated, and
 * decimals in free-form JSON stay exact. Payloads stay plain JSON for every other client.
 */
public final class TallyDataConverter {
  private TallyDataConverter() {}

  public static DataConverter create() {
    ObjectMapper mapper =
        JacksonJsonPayloadConverter.newDefaultObjectMapper()
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new InputPayloadConverter(mapper));
  }
}
