package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * How a delegation's variants fan out: which named harness and model each runs, how many run at
 * once, the reviewer gate and the winner strategy. Read from a request already validated by {@link
 * DelegationRules}.
 *
 * @param harnesses per variant (index 0 is variant 1), the harness name or null for the default
 * @param models per variant, the model or null
 * @param maxConcurrency most variants running at once
 * @param reviewer the reviewer gate, or null (coders only)
 * @param winner the winner strategy (coders only)
 */
record FanoutPlan(
    List<String> harnesses,
    List<String> models,
    int maxConcurrency,
    CoderArgs.Reviewer reviewer,
    String winner) {
  /** Most variants running at once when the request does not say. */
  static final int DEFAULT_MAX_CONCURRENCY = 4;

  static FanoutPlan of(DelegationRequest request, int variants) {
    JsonNode config = request.args().get("config");
    List<String> names = texts(config == null ? null : config.get("harnesses"));
    List<String> models = texts(config == null ? null : config.get("models"));
    List<String> perHarness = new ArrayList<>();
    List<String> perModel = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      // Harness names cycle over the variants; models are per variant, absent ones the default.
      perHarness.add(names.isEmpty() ? null : names.get(v % names.size()));
      perModel.add(v < models.size() ? models.get(v) : null);
    }
    JsonNode cap = config == null ? null : config.get("maxConcurrency");
    int maxConcurrency =
        cap != null && cap.canConvertToInt() ? cap.asInt() : DEFAULT_MAX_CONCURRENCY;
    CoderArgs.Reviewer reviewer = null;
    String winner = WinnerSelection.HIGHEST_SCORE;
    if (DelegationProfiles.CODER.equals(request.profile())) {
      CoderArgs.Config c = Json.convert(request.args(), CoderArgs.class).config();
      if (c != null) {
        reviewer = c.reviewer();
        winner = c.winner() == null ? WinnerSelection.HIGHEST_SCORE : c.winner();
      }
    }
    return new FanoutPlan(perHarness, perModel, maxConcurrency, reviewer, winner);
  }

  /** Before fanout: every variant on the default harness, all at once, smallest diff wins. */
  static FanoutPlan legacy(int variants) {
    List<String> none = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      none.add(null);
    }
    return new FanoutPlan(none, none, Integer.MAX_VALUE, null, WinnerSelection.SMALLEST_DIFF);
  }

  String harness(int variant) {
    return harnesses.get(variant - 1);
  }

  String model(int variant) {
    return models.get(variant - 1);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
    }
    return out;
  }
}
