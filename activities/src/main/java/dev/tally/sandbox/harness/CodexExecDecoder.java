package dev.tally.sandbox.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.sandbox.TurnUsage;

/**
 * Codex's {@code codex exec --json}: one event per line. The answer is the {@code text} of the last
 * {@code item.completed} event whose item is an {@code agent_message}; the tokens are the sums,
 * over every {@code turn.completed} event, of {@code usage.input_tokens} (which already counts
 * {@code cached_input_tokens}) and {@code usage.output_tokens}. Codex reports no dollars, so the
 * turn's cost stays unknown (a floor) and the model is {@code TALLY_MODEL}. With no {@code
 * turn.completed} event it falls back to Tally's usage file.
 */
public final class CodexExecDecoder implements UsageDecoder {
  public static final String NAME = "codex";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HarnessOutput decode(String stdout, String usageFile, String model) {
    String text = null;
    long in = 0;
    long out = 0;
    boolean sawUsage = false;
    for (String line : (stdout == null ? "" : stdout).split("\n")) {
      JsonNode e = event(line.strip());
      if (e == null) {
        continue;
      }
      String type = e.path("type").asText();
      if ("item.completed".equals(type)) {
        JsonNode item = e.path("item");
        String kind = item.path("type").asText(item.path("item_type").asText());
        if ("agent_message".equals(kind) && item.path("text").isTextual()) {
          text = item.path("text").asText();
        }
      } else if ("turn.completed".equals(type)) {
        JsonNode u = e.path("usage");
        if (u.path("input_tokens").canConvertToLong()
            && u.path("output_tokens").canConvertToLong()) {
          in += u.path("input_tokens").asLong();
          out += u.path("output_tokens").asLong();
          sawUsage = true;
        }
      }
    }
    String answer = text == null ? stdout : text;
    if (!sawUsage) {
      return new HarnessOutput(answer, TallyUsageFileDecoder.read(usageFile, model));
    }
    return new HarnessOutput(answer, new TurnUsage(in, out, null, model));
  }

  private static JsonNode event(String line) {
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      JsonNode e = Json.parse(line);
      return e != null && e.isObject() ? e : null;
    } catch (RuntimeException ex) {
      return null;
    }
  }
}
