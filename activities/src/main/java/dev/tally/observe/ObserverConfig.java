package dev.tally.observe;

import dev.tally.config.DurationText;
import dev.tally.ledger.Budget;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The observer's settings and the worker's optional HTTP port, read from the environment once.
 *
 * @param settings the settings a new observer starts with
 * @param httpPort the port of {@code GET /health} and {@code GET /stats}, or null for none
 * @param httpHost the address it binds, loopback unless told otherwise
 */
public record ObserverConfig(ObserverSettings settings, Integer httpPort, String httpHost) {
  public static final String MODEL = "TALLY_OBSERVER_MODEL";
  public static final String MAX_TOKENS = "TALLY_OBSERVER_MAX_TOKENS";
  public static final String MAX_USD = "TALLY_OBSERVER_MAX_USD";
  public static final String DIGEST_EVERY = "TALLY_OBSERVER_DIGEST_EVERY";
  public static final String DIGEST_WINDOW = "TALLY_OBSERVER_DIGEST_WINDOW";
  public static final String MIN_SUCCESSES = "TALLY_OBSERVER_MIN_SUCCESSES";
  public static final String HTTP_PORT = "TALLY_HTTP_PORT";
  public static final String HTTP_HOST = "TALLY_HTTP_HOST";
  public static final String LOOPBACK = "127.0.0.1";

  /** No model, no HTTP port. */
  public static final ObserverConfig DEFAULTS =
      new ObserverConfig(ObserverSettings.DEFAULTS, null, LOOPBACK);

  /**
   * Reads the configuration from {@code env}.
   *
   * @throws IllegalArgumentException naming every variable that is wrong, what was expected and
   *     what was got
   */
  public static ObserverConfig fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String model = blankToNull(env.get(MODEL));
    long maxTokens = longOf(env, MAX_TOKENS, ObserverSettings.DEFAULT_BUDGET_TOKENS, problems);
    BigDecimal maxUsd = null;
    String usdText = blankToNull(env.get(MAX_USD));
    if (usdText != null) {
      try {
        maxUsd = new BigDecimal(usdText);
        if (maxUsd.signum() < 0) {
          problems.add(MAX_USD + ": expected dollars ≥ 0, got '" + usdText + "'");
        }
      } catch (NumberFormatException e) {
        problems.add(MAX_USD + ": expected dollars such as 0.50, got '" + usdText + "'");
      }
    }
    long every = millisOf(env, DIGEST_EVERY, ObserverSettings.DEFAULT_DIGEST_EVERY_MS, problems);
    long window = millisOf(env, DIGEST_WINDOW, ObserverSettings.DEFAULT_DIGEST_WINDOW_MS, problems);
    long minSuccesses =
        longOf(env, MIN_SUCCESSES, ObserverSettings.DEFAULT_MIN_SUCCESSES, problems);
    Integer port = null;
    String portText = blankToNull(env.get(HTTP_PORT));
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
        if (port < 0 || port > 65_535) {
          problems.add(HTTP_PORT + ": expected a port in 0..65535, got '" + portText + "'");
        }
      } catch (NumberFormatException e) {
        problems.add(HTTP_PORT + ": expected a port number, got '" + portText + "'");
      }
    }
    String host = blankToNull(env.get(HTTP_HOST));
    Budget budget = Budget.of(0, maxTokens);
    if (maxUsd != null) {
      budget = budget.withMaxUsd(maxUsd);
    }
    ObserverSettings settings =
        new ObserverSettings(model, budget, every, window, (int) Math.min(minSuccesses, 1_000_000));
    if (problems.isEmpty()) {
      settings.problems().forEach(p -> problems.add("observer " + p));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new ObserverConfig(settings, port, host == null ? LOOPBACK : host);
  }

  private static long longOf(Map<String, String> env, String name, long def, List<String> out) {
    String text = blankToNull(env.get(name));
    if (text == null) {
      return def;
    }
    try {
      long v = Long.parseLong(text);
      if (v < 0) {
        out.add(name + ": expected a whole number ≥ 0, got '" + text + "'");
      }
      return v;
    } catch (NumberFormatException e) {
      out.add(name + ": expected a whole number, got '" + text + "'");
      return def;
    }
  }

  private static long millisOf(Map<String, String> env, String name, long def, List<String> out) {
    String text = blankToNull(env.get(name));
    if (text == null) {
      return def;
    }
    try {
      return DurationText.parse(name, text).toMillis();
    } catch (IllegalArgumentException e) {
      out.add(e.getMessage());
      return def;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
