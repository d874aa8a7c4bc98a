package dev.tally.sandbox.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.sandbox.TurnUsage;
import java.math.BigDecimal;

/**
 * Tally's own receipt, for any harness: the answer is the whole standard output, and the usage is
 * the JSON object the harness wrote to {@code $TALLY_USAGE_FILE}: {@code {inputTokens,
 * outputTokens, costUsd?, model?}}. Both token counts must be whole numbers for the receipt to
 * count; {@code costUsd} absent means the dollars are unknown.
 */
public final class TallyUsageFileDecoder implements UsageDecoder {
  public static final String NAME = "tally-usage-file";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HarnessOutput decode(String stdout, String usageFile, String model) {
    return new HarnessOutput(stdout, read(usageFile, model));
  }

  /** The receipt in {@code usageFile}, or null when there is none or it is unusable. */
  static TurnUsage read(String usageFile, String model) {
    if (usageFile == null || usageFile.isBlank()) {
      return null;
    }
    JsonNode u;
    try {
      u = Json.parse(usageFile);
    } catch (RuntimeException e) {
      return null;
    }
    if (u == null || !u.isObject()) {
      return null;
    }
    JsonNode in = u.get("inputTokens");
    JsonNode out = u.get("outputTokens");
    if (in == null || out == null || !in.canConvertToLong() || !out.canConvertToLong()) {
      return null;
    }
    JsonNode cost = u.get("costUsd");
    JsonNode named = u.get("model");
    return new TurnUsage(
        in.asLong(),
        out.asLong(),
        cost != null && cost.isNumber() ? cost.decimalValue() : (BigDecimal) null,
        named != null && named.isTextual() ? named.asText() : model);
  }
}
