package dev.tally.sandbox.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.sandbox.TurnUsage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Claude Code's {@code claude -p --output-format json} (one result object, or in some versions an
 * array of messages ending in it) and {@code --output-format stream-json} (one JSON message per
 * line, the last one the result).
 *
 * <p>It reads the message with {@code "type": "result"}: the answer is its {@code result} (falling
 * back to the text blocks of the last {@code assistant} message when {@code result} is empty); the
 * dollars are {@code total_cost_usd}, billed; input tokens are {@code usage.input_tokens +
 * usage.cache_creation_input_tokens + usage.cache_read_input_tokens} (all three are billed prompt
 * tokens), output tokens {@code usage.output_tokens}; the model is the key of {@code modelUsage}
 * that cost the most (else the {@code model} of the {@code system/init} message, else {@code
 * TALLY_MODEL}). With no result message, or one without numeric usage, it falls back to Tally's
 * usage file.
 */
public final class ClaudeCodeDecoder implements UsageDecoder {
  public static final String NAME = "claude-code";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HarnessOutput decode(String stdout, String usageFile, String model) {
    List<JsonNode> messages = messages(stdout == null ? "" : stdout);
    JsonNode result = null;
    String lastAssistantText = null;
    String initModel = null;
    for (JsonNode m : messages) {
      String type = m.path("type").asText();
      if ("result".equals(type)) {
        result = m;
      } else if ("assistant".equals(type)) {
        String t = assistantText(m);
        if (!t.isEmpty()) {
          lastAssistantText = t;
        }
      } else if ("system".equals(type) && m.path("model").isTextual()) {
        initModel = m.path("model").asText();
      }
    }
    if (result == null) {
      return new HarnessOutput(stdout, TallyUsageFileDecoder.read(usageFile, model));
    }
    String text = result.path("result").asText("");
    if (text.isBlank() && lastAssistantText != null) {
      text = lastAssistantText;
    }
    JsonNode usage = result.get("usage");
    if (usage == null
        || !usage.path("input_tokens").canConvertToLong()
        || !usage.path("output_tokens").canConvertToLong()) {
      return new HarnessOutput(text, TallyUsageFileDecoder.read(usageFile, model));
    }
    long in =
        usage.path("input_tokens").asLong()
            + usage.path("cache_creation_input_tokens").asLong(0)
            + usage.path("cache_read_input_tokens").asLong(0);
    long out = usage.path("output_tokens").asLong();
    JsonNode cost = result.get("total_cost_usd");
    BigDecimal usd = cost != null && cost.isNumber() ? cost.decimalValue() : null;
    String used = costliestModel(result.get("modelUsage"));
    if (used == null) {
      used = initModel != null ? initModel : model;
    }
    return new HarnessOutput(text, new TurnUsage(in, out, usd, used));
  }

  /**
   * The messages in the output: an array of them, one per line, or one (possibly pretty-printed)
   * object.
   */
  private static List<JsonNode> messages(String stdout) {
    List<JsonNode> out = new ArrayList<>();
    String trimmed = stdout.strip();
    if (trimmed.startsWith("[")) {
      JsonNode whole = tryParse(trimmed);
      if (whole != null && whole.isArray()) {
        whole.forEach(out::add);
      }
      return out;
    }
    for (String line : trimmed.split("\n")) {
      JsonNode m = tryParse(line.strip());
      if (m != null && m.isObject()) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      JsonNode whole = tryParse(trimmed);
      if (whole != null && whole.isObject()) {
        out.add(whole);
      }
    }
    return out;
  }

  private static String assistantText(JsonNode m) {
    StringBuilder b = new StringBuilder();
    for (JsonNode block : m.path("message").path("content")) {
      if ("text".equals(block.path("type").asText())) {
        b.append(block.path("text").asText());
      }
    }
    return b.toString().strip();
  }

  private static String costliestModel(JsonNode modelUsage) {
    if (modelUsage == null || !modelUsage.isObject()) {
      return null;
    }
    String best = null;
    double bestCost = -1;
    Iterator<Map.Entry<String, JsonNode>> it = modelUsage.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      double c = e.getValue().path("costUSD").asDouble(0);
      // Ties go to the name that sorts first, so the answer never depends on map order.
      if (best == null || c > bestCost || (c == bestCost && e.getKey().compareTo(best) < 0)) {
        best = e.getKey();
        bestCost = c;
      }
    }
    return best;
  }

  private static JsonNode tryParse(String s) {
    if (s.isEmpty() || (s.charAt(0) != '{' && s.charAt(0) != '[')) {
      return null;
    }
    try {
      return Json.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
