package dev.tally.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.UsdSource;
import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Model list prices in USD per million tokens, from a versioned data file.
 *
 * <p>The jar ships {@code tally/price-catalog.json}; an operator file (named by {@code
 * TALLY_PRICE_CATALOG}, read by the worker's configuration) is layered over it, model by model, so
 * adding one model does not mean copying the whole table. Prices are exact decimals, and a cost is
 * computed without rounding, so sums rebuilt from history match to the last digit.
 *
 * <p>File shape: {@code {"version": "...", "models": {"<model id>": {"input": 2.5, "output":
 * 10}}}}.
 */
public final class PriceCatalog {
  /** Where the bundled catalog lives on the classpath. */
  public static final String BUNDLED_RESOURCE = "tally/price-catalog.json";

  private static final BigDecimal PER_MILLION = BigDecimal.valueOf(1_000_000);

  private final String version;
  private final Map<String, ModelPrice> prices;

  /**
   * A model's prices.
   *
   * @param input USD per million prompt tokens
   * @param output USD per million completion tokens
   */
  public record ModelPrice(BigDecimal input, BigDecimal output) {
    public ModelPrice {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(output, "output");
      if (input.signum() < 0 || output.signum() < 0) {
        throw new IllegalArgumentException(
            "price: expected non-negative input and output, got " + input + " and " + output);
      }
    }

    /** The exact dollars of {@code usage} at these prices. */
    public BigDecimal cost(Usage usage) {
      return input
          .multiply(BigDecimal.valueOf(usage.inputTokens()))
          .add(output.multiply(BigDecimal.valueOf(usage.outputTokens())))
          .divide(PER_MILLION);
    }
  }

  private PriceCatalog(String version, Map<String, ModelPrice> prices) {
    this.version = version;
    this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
  }

  /** The catalog shipped in the jar. */
  public static PriceCatalog bundled() {
    try (InputStream in =
        PriceCatalog.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "price catalog: " + BUNDLED_RESOURCE + " is not on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("price catalog: could not read " + BUNDLED_RESOURCE, e);
    }
  }

  /**
   * The bundled catalog with the file at {@code overrides} layered over it, or just the bundled one
   * when null.
   */
  public static PriceCatalog load(Path overrides) {
    PriceCatalog base = bundled();
    return overrides == null ? base : base.overriddenBy(fromFile(overrides));
  }

  /** Reads one catalog file on its own. */
  public static PriceCatalog fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "price catalog " + file + " (TALLY_PRICE_CATALOG): cannot read it: " + e, e);
    }
  }

  /** Parses catalog JSON; {@code source} names the file in errors. */
  public static PriceCatalog parse(String json, String source) {
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("price catalog " + source + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("price catalog " + source + ": expected a JSON object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isValueNode() || version.asText().isBlank()) {
      throw new IllegalArgumentException(
          "price catalog " + source + ": expected a non-empty \"version\", got " + version);
    }
    JsonNode models = root.get("models");
    if (models == null || !models.isObject()) {
      throw new IllegalArgumentException(
          "price catalog "
              + source
              + ": expected \"models\": {\"<model id>\": {\"input\": <USD per 1M>, \"output\":"
              + " <USD per 1M>}}");
    }
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : models.properties()) {
      prices.put(
          e.getKey(),
          new ModelPrice(
              price(e.getValue(), "input", source, e.getKey()),
              price(e.getValue(), "output", source, e.getKey())));
    }
    return new PriceCatalog(version.asText(), prices);
  }

  private static BigDecimal price(JsonNode model, String field, String source, String id) {
    JsonNode v = model == null ? null : model.get(field);
    if (v == null || !v.isNumber() || v.decimalValue().signum() < 0) {
      throw new IllegalArgumentException(
          "price catalog "
              + source
              + ": models."
              + id
              + "."
              + field
              + ": expected a non-negative number of USD per million tokens, got "
              + v);
    }
    return v.decimalValue();
  }

  /** This catalog with {@code top}'s entries replacing or adding to its own. */
  public PriceCatalog overriddenBy(PriceCatalog top) {
    Map<String, ModelPrice> merged = new LinkedHashMap<>(prices);
    merged.putAll(top.prices);
    return new PriceCatalog(top.version + " over " + version, merged);
  }

  /** The catalog's version, e.g. {@code 2025-11.1}; layered catalogs name both versions. */
  public String version() {
    return version;
  }

  /** The prices of {@code model}, matched exactly. */
  public Optional<ModelPrice> price(String model) {
    return model == null ? Optional.empty() : Optional.ofNullable(prices.get(model));
  }

  /** Every priced model id. */
  public Map<String, ModelPrice> prices() {
    return prices;
  }

  /**
   * What one call cost: the provider's billed charge when reported, else the catalog price of the
   * reported usage, else unknown.
   *
   * @param model the model that answered
   * @param requestedModel the model that was asked for; tried when {@code model} is not priced
   *     (providers often answer with a dated snapshot id)
   * @param usage the token receipt, or null
   * @param billedUsd the provider's charge, or null
   * @param usdCapped whether the paying pool caps dollars
   * @throws ApplicationFailure non-retryable {@link Failures#UNPRICED_MODEL} when dollars are
   *     capped and the model has neither a billed charge nor a catalog price: a cap cannot be
   *     enforced on dollars nobody can count
   */
  public TurnCost cost(
      String model, String requestedModel, Usage usage, BigDecimal billedUsd, boolean usdCapped) {
    if (billedUsd != null) {
      return new TurnCost(billedUsd, UsdSource.BILLED);
    }
    Optional<ModelPrice> price = price(model).or(() -> price(requestedModel));
    if (price.isPresent()) {
      // A priced model without a usage receipt is still unknown: there is nothing to multiply.
      return usage == null
          ? TurnCost.UNKNOWN
          : new TurnCost(price.get().cost(usage), UsdSource.CATALOG);
    }
    if (usdCapped) {
      throw ApplicationFailure.newBuilder()
          .setType(Failures.UNPRICED_MODEL)
          .setMessage(
              "model \""
                  + model
                  + "\""
                  + (requestedModel == null || requestedModel.equals(model)
                      ? ""
                      : " (asked for \"" + requestedModel + "\")")
                  + " has no price: the router reported no cost (usage.cost) and price catalog "
                  + version
                  + " does not list it, so a dollar cap (maxUsd) cannot be enforced. Fix: add"
                  + " \""
                  + model
                  + "\" with its input and output USD per million tokens to a catalog file named"
                  + " by TALLY_PRICE_CATALOG on the worker, or run without maxUsd.")
          .setNonRetryable(true)
          .setDetails(model, usage)
          .build();
    }
    return TurnCost.UNKNOWN;
  }
}
