package dev.tally.router;

import dev.tally.http.HttpUrls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a worker reaches its router, read once from the environment at start-up.
 *
 * @param baseUrl the OpenAI-compatible base URL, ending in {@code /v1}; null when the worker is not
 *     configured for router calls (each call then fails as {@code RouterNotConfigured})
 * @param apiKey the bearer key, or null for none; never printed
 * @param driverModel the default model of driver turns, or null
 * @param workerModel the default model of chat workers, or null
 * @param priceCatalogPath a price catalog file layered over the bundled one, or null
 * @param requestTimeout how long one HTTP call may take; below the activity's start-to-close
 *     timeout so that a slow router surfaces as a typed, retryable {@code RouterTimeout}
 */
public record RouterConfig(
    String baseUrl,
    String apiKey,
    String driverModel,
    String workerModel,
    Path priceCatalogPath,
    Duration requestTimeout) {

  public static final String BASE_URL_ENV = "TALLY_ROUTER_BASE_URL";
  public static final String API_KEY_ENV = "TALLY_ROUTER_API_KEY";
  public static final String DRIVER_MODEL_ENV = "TALLY_DRIVER_MODEL";
  public static final String WORKER_MODEL_ENV = "TALLY_WORKER_MODEL";
  public static final String PRICE_CATALOG_ENV = "TALLY_PRICE_CATALOG";
  public static final String TIMEOUT_ENV = "TALLY_ROUTER_TIMEOUT_MS";

  /** Two minutes: well under the three-minute start-to-close timeout of a router call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public RouterConfig {
    baseUrl = blankToNull(baseUrl);
    if (baseUrl != null) {
      baseUrl = checkedBaseUrl(baseUrl);
    }
    apiKey = blankToNull(apiKey);
    driverModel = blankToNull(driverModel);
    workerModel = blankToNull(workerModel);
    requestTimeout = requestTimeout == null ? DEFAULT_TIMEOUT : requestTimeout;
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "requestTimeout: expected a positive duration, got " + requestTimeout);
    }
  }

  /**
   * Reads the router settings from {@code env}.
   *
   * @throws IllegalArgumentException naming the variable, what it must look like, and what it was
   */
  public static RouterConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String catalog = blankToNull(env.get(PRICE_CATALOG_ENV));
    return new RouterConfig(
        env.get(BASE_URL_ENV),
        env.get(API_KEY_ENV),
        env.get(DRIVER_MODEL_ENV),
        env.get(WORKER_MODEL_ENV),
        catalog == null ? null : Path.of(catalog),
        timeout(env.get(TIMEOUT_ENV)));
  }

  /** Whether router calls can be made at all. */
  public boolean configured() {
    return baseUrl != null;
  }

  /** The default model for a {@code driver} or {@code worker} turn, or null if none is set. */
  public String defaultModel(String role) {
    return "driver".equals(role) ? driverModel : workerModel;
  }

  /** Never shows the key, only whether one is set. */
  @Override
  public String toString() {
    return "RouterConfig[baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "(none)" : "(set, redacted)")
        + ", driverModel="
        + driverModel
        + ", workerModel="
        + workerModel
        + ", priceCatalogPath="
        + priceCatalogPath
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }

  private static Duration timeout(String millis) {
    String v = blankToNull(millis);
    if (v == null) {
      return DEFAULT_TIMEOUT;
    }
    long ms;
    try {
      ms = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          TIMEOUT_ENV
              + ": expected a whole number of milliseconds, e.g. 120000, got \""
              + v
              + "\"");
    }
    if (ms <= 0) {
      throw new IllegalArgumentException(
          TIMEOUT_ENV + ": expected a positive number of milliseconds, got " + ms);
    }
    return Duration.ofMillis(ms);
  }

  private static String checkedBaseUrl(String raw) {
    String url = HttpUrls.withoutTrailingSlashes(raw.trim());
    String problem = HttpUrls.baseProblem(url, API_KEY_ENV);
    if (problem == null && !URI.create(url).getPath().endsWith("/v1")) {
      problem = "the path must end in /v1 (requests go to <base>/chat/completions)";
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          BASE_URL_ENV
              + ": expected an http(s) URL ending in /v1, e.g. https://openrouter.ai/api/v1 or"
              + " http://127.0.0.1:8080/v1; got \""
              + HttpUrls.redacted(url)
              + "\": "
              + problem);
    }
    return url;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
