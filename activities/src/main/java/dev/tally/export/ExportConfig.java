package dev.tally.export;

import dev.tally.http.HttpUrls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where eval-run events go, read once at start-up: Tangle Intelligence when a key is set, the local
 * outbox otherwise.
 *
 * @param apiKey the Tangle key, or null for none (events then wait in the outbox); never printed
 * @param base the ingest's base URL, without a trailing slash
 * @param outbox the JSONL file events wait in without a key
 * @param requestTimeout how long one post may take; below the activity's start-to-close timeout
 */
public record ExportConfig(String apiKey, String base, Path outbox, Duration requestTimeout) {
  public static final String API_KEY_ENV = "TANGLE_API_KEY";
  public static final String BASE_ENV = "INTELLIGENCE_BASE";
  public static final String DEFAULT_BASE = "https://intelligence.tangle.tools";

  /** The ingest path under the base URL. */
  public static final String INGEST_PATH = "/v1/ingest/eval-runs";

  /** Twenty seconds: under the thirty-second start-to-close timeout of an export. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  public ExportConfig {
    apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    base = checkedBase(base == null || base.isBlank() ? DEFAULT_BASE : base.trim());
    Objects.requireNonNull(outbox, "outbox");
    requestTimeout = requestTimeout == null ? DEFAULT_TIMEOUT : requestTimeout;
  }

  /**
   * Reads the export settings from {@code env}; the outbox is {@code
   * <dataDir>/outbox/eval-runs.jsonl}.
   *
   * @throws IllegalArgumentException naming the variable, what it must look like and what it was
   */
  public static ExportConfig fromEnv(Map<String, String> env, Path dataDir) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(dataDir, "dataDir");
    return new ExportConfig(env.get(API_KEY_ENV), env.get(BASE_ENV), outboxIn(dataDir), null);
  }

  /** The outbox file under a data directory. */
  public static Path outboxIn(Path dataDir) {
    return dataDir.resolve("outbox").resolve("eval-runs.jsonl");
  }

  /** Whether events can be sent now, rather than queued. */
  public boolean hasKey() {
    return apiKey != null;
  }

  /** {@code <base>/v1/ingest/eval-runs}. */
  public URI ingestUri() {
    return URI.create(base + INGEST_PATH);
  }

  /** The same settings with another key (null for none). */
  public ExportConfig withApiKey(String key) {
    return new ExportConfig(key, base, outbox, requestTimeout);
  }

  @Override
  public String toString() {
    return "ExportConfig[apiKey="
        + (apiKey == null ? "(none: events wait in the outbox)" : "(set, redacted)")
        + ", base="
        + base
        + ", outbox="
        + outbox
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }

  private static String checkedBase(String raw) {
    String url = HttpUrls.withoutTrailingSlashes(raw);
    String problem = HttpUrls.baseProblem(url, API_KEY_ENV);
    if (problem != null) {
      throw new IllegalArgumentException(
          BASE_ENV
              + ": expected an http(s) base URL such as "
              + DEFAULT_BASE
              + ", got \""
              + HttpUrls.redacted(url)
              + "\": "
              + problem);
    }
    return url;
  }
}
