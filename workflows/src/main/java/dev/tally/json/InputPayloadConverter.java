package dev.tally.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.delegate.DelegationFeedback;
import dev.tally.delegate.DelegationFeedbackReader;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationRequestReader;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.Feedback;
import dev.tally.supervise.FeedbackReader;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunRequestReader;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.lang.reflect.Type;

/**
 * The JSON payload converter, except that a {@code RunRequest} is read by {@link RunRequestReader}
 * and a {@code DelegationRequest} by {@link DelegationRequestReader}, which never throw: a bad
 * input becomes a typed {@code InvalidRunRequest} or {@code InvalidDelegationRequest} naming the
 * field, instead of a workflow that fails with the JSON library's message.
 */
final class InputPayloadConverter extends JacksonJsonPayloadConverter {
  /** How much of an unreadable cancel payload is kept as its reason. */
  private static final int REASON_CHARS = 200;

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
    if (valueClass == DelegationRequest.class) {
      return valueClass.cast(DelegationRequestReader.read(mapper, content.getData().toByteArray()));
    }
    if (valueClass == Feedback.class) {
      // A rating that cannot be read is refused by name (update) or reported (signal), not dropped.
      return valueClass.cast(FeedbackReader.read(mapper, content.getData().toByteArray()));
    }
    if (valueClass == DelegationFeedback.class) {
      return valueClass.cast(
          DelegationFeedbackReader.read(mapper, content.getData().toByteArray()));
    }
    if (valueClass == CancelRequest.class) {
      // A cancel is a cancel whatever it carries: a bare string, a number or a malformed object
      // must not be dropped as an unreadable signal while the run keeps spending.
      try {
        return super.fromData(content, valueClass, valueType);
      } catch (RuntimeException e) {
        return valueClass.cast(new CancelRequest(cancelReason(content)));
      }
    }
    return super.fromData(content, valueClass, valueType);
  }

  private String cancelReason(Payload content) {
    String text;
    try {
      com.fasterxml.jackson.databind.JsonNode v = mapper.readTree(content.getData().toByteArray());
      text = v != null && v.isTextual() ? v.asText() : String.valueOf(v);
    } catch (java.io.IOException e) {
      text = content.getData().toStringUtf8();
    }
    text = text.replaceAll("\\p{Cntrl}", " ").trim();
    if (text.length() > REASON_CHARS) {
      text = text.substring(0, REASON_CHARS) + "...";
    }
    return text.isEmpty() ? "cancelled" : text;
  }
}
