package dev.tally.telemetry;

import dev.tally.http.HttpUrls;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * OpenTelemetry settings, read once at start-up from the standard {@code OTEL_*} variables. With no
 * endpoint there is no export at all and tracing costs nothing.
 *
 * @param endpoint the OTLP endpoint, e.g. {@code http://localhost:4317} (gRPC) or {@code
 *     http://localhost:4318} (HTTP); null turns telemetry off
 * @param protocol {@code grpc} or {@code http/protobuf}
 * @param headers sent with every export (often an auth token); never printed
 * @param serviceName the {@code service.name} resource attribute
 * @param captureContent whether chat spans may carry message text; off unless {@value
 *     #CAPTURE_CONTENT_ENV}{@code =on}
 * @param metricInterval how often metrics are exported
 */
public record TelemetryConfig(
    String endpoint,
    Protocol protocol,
    Map<String, String> headers,
    String serviceName,
    boolean captureContent,
    Duration metricInterval) {

  public static final String ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String PROTOCOL_ENV = "OTEL_EXPORTER_OTLP_PROTOCOL";
  public static final String HEADERS_ENV = "OTEL_EXPORTER_OTLP_HEADERS";
  public static final String SERVICE_NAME_ENV = "OTEL_SERVICE_NAME";
  public static final String SDK_DISABLED_ENV = "OTEL_SDK_DISABLED";
  public static final String METRIC_INTERVAL_ENV = "OTEL_METRIC_EXPORT_INTERVAL";
  public static final String CAPTURE_CONTENT_ENV = "TALLY_OTEL_CAPTURE_CONTENT";

  public static final String DEFAULT_SERVICE_NAME = "tally";

  /** The OpenTelemetry specification's default export interval. */
  public static final Duration DEFAULT_METRIC_INTERVAL = Duration.ofSeconds(60);

  /** The wire protocols of OTLP this worker speaks. */
  public enum Protocol {
    GRPC("grpc"),
    HTTP_PROTOBUF("http/protobuf");

    private final String wireName;

    Protocol(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public TelemetryConfig {
    endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.trim();
    protocol = protocol == null ? Protocol.HTTP_PROTOBUF : protocol;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    serviceName = serviceName == null || serviceName.isBlank() ? DEFAULT_SERVICE_NAME : serviceName;
    metricInterval = metricInterval == null ? DEFAULT_METRIC_INTERVAL : metricInterval;
    if (metricInterval.isNegative() || metricInterval.isZero()) {
      throw new IllegalArgumentException(
          "metricInterval: expected a positive duration, got " + metricInterval);
    }
  }

  /** Telemetry off: nothing is exported. */
  public static TelemetryConfig off() {
    return new TelemetryConfig(null, null, null, null, false, null);
  }

  /**
   * Reads the settings from {@code env}. The protocol defaults to {@code http/protobuf}, as the
   * OpenTelemetry specification recommends.
   *
   * @throws IllegalArgumentException naming the variable, what it must look like and what it was
   */
  public static TelemetryConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    boolean disabled = "true".equalsIgnoreCase(trimmed(env.get(SDK_DISABLED_ENV)));
    String endpoint = disabled ? null : trimmed(env.get(ENDPOINT_ENV));
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
    return new TelemetryConfig(
        endpoint,
        protocol(trimmed(env.get(PROTOCOL_ENV))),
        headers(env.get(HEADERS_ENV)),
        trimmed(env.get(SERVICE_NAME_ENV)),
        captureContent(trimmed(env.get(CAPTURE_CONTENT_ENV))),
        interval(trimmed(env.get(METRIC_INTERVAL_ENV))));
  }

  /** Whether anything is exported. */
  public boolean enabled() {
    return endpoint != null;
  }

  /**
   * Where spans go: the endpoint itself for gRPC; for HTTP the endpoint with {@code /v1/traces}
   * appended, as the specification says for the signal-agnostic variable.
   */
  public String tracesEndpoint() {
    return signalEndpoint("traces");
  }

  /** Where metrics go; see {@link #tracesEndpoint()}. */
  public String metricsEndpoint() {
    return signalEndpoint("metrics");
  }

  private String signalEndpoint(String signal) {
    if (endpoint == null || protocol == Protocol.GRPC) {
      return endpoint;
    }
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base + "/v1/" + signal;
  }

  /** Header names only: their values are often credentials. */
  @Override
  public String toString() {
    return "TelemetryConfig[endpoint="
        + (endpoint == null ? "(none: telemetry off)" : endpoint)
        + ", protocol="
        + protocol.wireName()
        + ", headers="
        + (headers.isEmpty() ? "(none)" : headers.keySet() + " (values redacted)")
        + ", serviceName="
        + serviceName
        + ", captureContent="
        + (captureContent ? "on" : "off")
        + ", metricInterval="
        + metricInterval
        + "]";
  }

  private static void checkEndpoint(String endpoint) {
    String problem = HttpUrls.problem(endpoint, HEADERS_ENV);
    if (problem != null) {
      throw new IllegalArgumentException(
          ENDPOINT_ENV
              + ": expected an http(s) URL such as http://localhost:4318, got \""
              + HttpUrls.redacted(endpoint)
              + "\": "
              + problem);
    }
  }

  private static Protocol protocol(String value) {
    if (value == null) {
      return Protocol.HTTP_PROTOBUF;
    }
    for (Protocol p : Protocol.values()) {
      if (p.wireName.equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        PROTOCOL_ENV
            + ": expected one of "
            + List.of(Protocol.GRPC.wireName, Protocol.HTTP_PROTOBUF.wireName)
            + ", got \""
            + value
            + "\"");
  }

  /** Parses {@code k=v,k2=v2} with percent-encoded values (W3C baggage form). */
  static Map<String, String> headers(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String pair : raw.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // The value may be a secret, so only the position is named.
        throw new IllegalArgumentException(
            HEADERS_ENV
                + ": expected comma-separated name=value pairs, got an entry without a name and"
                + " '=' at position "
                + (out.size() + 1));
      }
      String name = pair.substring(0, eq).trim();
      String value = URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8);
      out.put(name, value);
    }
    return out;
  }

  private static boolean captureContent(String value) {
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default ->
          throw new IllegalArgumentException(
              CAPTURE_CONTENT_ENV + ": expected on or off, got \"" + value + "\"");
    };
  }

  private static Duration interval(String millis) {
    if (millis == null) {
      return DEFAULT_METRIC_INTERVAL;
    }
    try {
      long ms = Long.parseLong(millis);
      if (ms > 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw new IllegalArgumentException(
        METRIC_INTERVAL_ENV
            + ": expected a positive whole number of milliseconds, e.g. 60000, got \""
            + millis
            + "\"");
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
