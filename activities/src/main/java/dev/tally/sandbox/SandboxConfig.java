package dev.tally.sandbox;

import dev.tally.sandbox.harness.Harnesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's sandbox settings, read once from the environment at start-up.
 *
 * @param dataDir where sessions live ({@code TALLY_DATA_DIR}, default {@code ~/.tally})
 * @param harness the agent command a turn runs ({@code TALLY_LOCAL_HARNESS}, e.g. {@code claude
 *     -p}); null when none is configured, in which case acquiring a box fails naming the variable
 * @param tickIntervalMs the pause between ticks ({@code TALLY_TICK_INTERVAL_MS}, default 5000)
 * @param maxSessionMs the wall-clock cap of one session ({@code TALLY_SANDBOX_MAX_MS}, default one
 *     hour)
 * @param checkTimeout how long one validation command may run ({@code TALLY_CHECK_TIMEOUT_MS},
 *     default ten minutes)
 * @param harnesses the named harnesses ({@code TALLY_HARNESSES}) with {@code harness} as the
 *     default; null means only the default
 */
public record SandboxConfig(
    Path dataDir,
    String harness,
    long tickIntervalMs,
    long maxSessionMs,
    Duration checkTimeout,
    Harnesses harnesses) {
  public static final String DATA_DIR = "TALLY_DATA_DIR";
  public static final String LOCAL_HARNESS = "TALLY_LOCAL_HARNESS";
  public static final String TICK_INTERVAL_MS = "TALLY_TICK_INTERVAL_MS";
  public static final String SANDBOX_MAX_MS = "TALLY_SANDBOX_MAX_MS";
  public static final String CHECK_TIMEOUT_MS = "TALLY_CHECK_TIMEOUT_MS";

  static final long DEFAULT_TICK_INTERVAL_MS = 5_000;
  static final long DEFAULT_MAX_SESSION_MS = Duration.ofHours(1).toMillis();
  static final long DEFAULT_CHECK_TIMEOUT_MS = Duration.ofMinutes(10).toMillis();

  public SandboxConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(checkTimeout, "checkTimeout");
    if (!dataDir.isAbsolute()) {
      throw new IllegalArgumentException(
          DATA_DIR + ": expected an absolute path, got '" + dataDir + "'");
    }
    harness = harness == null || harness.isBlank() ? null : harness.strip();
    harnesses = harnesses == null ? Harnesses.of(harness) : harnesses;
    positive(TICK_INTERVAL_MS, tickIntervalMs);
    positive(SANDBOX_MAX_MS, maxSessionMs);
    positive(CHECK_TIMEOUT_MS, checkTimeout.toMillis());
  }

  /** Settings with only the default harness. */
  public SandboxConfig(
      Path dataDir, String harness, long tickIntervalMs, long maxSessionMs, Duration checkTimeout) {
    this(dataDir, harness, tickIntervalMs, maxSessionMs, checkTimeout, null);
  }

  /**
   * Reads the settings from {@code env}; {@code HOME} (else the JVM's {@code user.home}) places the
   * default data directory.
   *
   * @throws IllegalArgumentException naming the variable, the expected and the actual value
   */
  public static SandboxConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String dataDir = env.get(DATA_DIR);
    Path dir;
    if (dataDir == null || dataDir.isBlank()) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      dir = Path.of(home, ".tally").toAbsolutePath();
    } else {
      dir = Path.of(dataDir.strip());
    }
    return new SandboxConfig(
        dir,
        env.get(LOCAL_HARNESS),
        longOr(env, TICK_INTERVAL_MS, DEFAULT_TICK_INTERVAL_MS),
        longOr(env, SANDBOX_MAX_MS, DEFAULT_MAX_SESSION_MS),
        Duration.ofMillis(longOr(env, CHECK_TIMEOUT_MS, DEFAULT_CHECK_TIMEOUT_MS)),
        Harnesses.parse(env.get(Harnesses.ENV), env.get(LOCAL_HARNESS)));
  }

  /** Whether an agent command is configured, as the default or by name. */
  public boolean hasHarness() {
    return !harnesses.isEmpty();
  }

  private static long longOr(Map<String, String> env, String name, long fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": expected an integer number of milliseconds, got '" + raw + "'", e);
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": expected an integer >= 1, got " + value);
    }
  }
}
