package dev.tally.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span and metric attribute names: the OpenTelemetry GenAI semantic conventions where they exist,
 * {@code tally.*} for cost and the ledger.
 */
public final class GenAiAttributes {
  public static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");

  /** The messages this call added to the conversation; only with content capture on. */
  public static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");

  /** The model's reply; only with content capture on. */
  public static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");

  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("tally.cost.usd");
  public static final AttributeKey<String> COST_SOURCE =
      AttributeKey.stringKey("tally.cost.source");
  public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("tally.run.id");
  public static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("tally.node.id");
  public static final AttributeKey<Long> TURN = AttributeKey.longKey("tally.turn");
  public static final AttributeKey<String> ROLE = AttributeKey.stringKey("tally.role");

  /** Metric attributes. */
  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");

  public static final AttributeKey<String> PROFILE = AttributeKey.stringKey("profile");
  public static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  public static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("direction");
  public static final AttributeKey<String> USD_SOURCE = AttributeKey.stringKey("usd_source");
  public static final AttributeKey<Boolean> TOKENS_KNOWN = AttributeKey.booleanKey("tokens_known");

  /** The value of {@link #OPERATION_NAME} on router chat spans. */
  public static final String CHAT = "chat";

  private GenAiAttributes() {}
}
