package dev.tally.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunRequestReader;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.lang.reflect.Type;

/**
 * The JSON payload converter, except that a {@code RunRequest} is read by {@link RunRequestReader},
 * which never throws: a bad run input becomes a typed {@code InvalidRunRequest} naming the field,
 * instead of a workflow that fails with the JSON library's message.
 */
final class InputPayloadConverter extends JacksonJsonPayloadConverter {
  private final ObjectMapper mapper;

  InputPayloadConverter(ObjectMapper mapper) {
    super(mapper);
    this.mapper = mapper;
  }

  @Override
  public <T> T fromData(Payload content, Class<T> valueClass, Type valueType) {
    if (valueClass == RunRequest.class) {
      return valueClass.cast(RunRequestReader.read(mapper, content.getData().toByteArray()));
    }
    return super.fromData(content, valueClass, valueType);
  }
}
