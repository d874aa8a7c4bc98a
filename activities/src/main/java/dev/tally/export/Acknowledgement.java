package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ingest's account of a batch, checked strictly against the batch actually sent: {@code
 * accepted} plus {@code rejected} must cover every event exactly once. Anything else is not a
 * success, whatever the status code says.
 */
record Acknowledgement(int accepted, List<Rejection> rejected) {

  /** Whether the body even tries to be an acknowledgement. */
  static boolean present(JsonNode body) {
    return body != null && (body.has("accepted") || body.has("rejected"));
  }

  /**
   * Reads and checks an acknowledgement of {@code sent} events.
   *
   * @throws IllegalArgumentException saying exactly what does not add up
   */
  static Acknowledgement of(JsonNode body, int sent) {
    if (body == null) {
      throw new IllegalArgumentException("Unreadable eval-runs acknowledgement: not a JSON object");
    }
    JsonNode accepted = body.get("accepted");
    if (accepted == null
        || !accepted.isIntegralNumber()
        || !accepted.canConvertToInt()
        || accepted.intValue() < 0) {
      throw new IllegalArgumentException(
          "eval-runs acknowledgement: expected \"accepted\" to be a non-negative integer, got "
              + (accepted == null ? "nothing" : accepted.toString()));
    }
    JsonNode rejectedNode = body.get("rejected");
    List<Rejection> rejected = new ArrayList<>();
    if (rejectedNode != null && !rejectedNode.isNull()) {
      if (!rejectedNode.isArray()) {
        throw new IllegalArgumentException(
            "eval-runs acknowledgement: expected \"rejected\" to be an array, got "
                + rejectedNode.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      Set<Integer> seen = new HashSet<>();
      for (JsonNode r : rejectedNode) {
        JsonNode index = r.get("index");
        JsonNode reason = r.get("reason");
        if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()) {
          throw new IllegalArgumentException(
              "eval-runs acknowledgement: expected each rejection to have an integer \"index\","
                  + " got "
                  + r);
        }
        int i = index.intValue();
        if (i < 0 || i >= sent) {
          throw new IllegalArgumentException(
              "eval-runs acknowledgement: rejection index "
                  + i
                  + " is outside the batch of "
                  + sent
                  + " event(s)");
        }
        if (!seen.add(i)) {
          throw new IllegalArgumentException(
              "eval-runs acknowledgement: event " + i + " is rejected more than once");
        }
        if (reason == null || !reason.isTextual() || reason.asText().isBlank()) {
          throw new IllegalArgumentException(
              "eval-runs acknowledgement: expected rejection "
                  + i
                  + " to give a reason, got "
                  + (reason == null ? "nothing" : reason.toString()));
        }
        rejected.add(new Rejection(i, reason.asText()));
      }
    }
    if (accepted.intValue() + rejected.size() != sent) {
      throw new IllegalArgumentException(
          "eval-runs acknowledgement: accepted "
              + accepted.intValue()
              + " + rejected "
              + rejected.size()
              + " does not account for the "
              + sent
              + " event(s) sent");
    }
    return new Acknowledgement(accepted.intValue(), List.copyOf(rejected));
  }
}
