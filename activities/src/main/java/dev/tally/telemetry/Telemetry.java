package dev.tally.telemetry;

import dev.tally.meter.LedgerSink;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.RouterConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import io.temporal.opentracing.OpenTracingOptions;
import io.temporal.opentracing.OpenTracingWorkerInterceptor;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's OpenTelemetry: traces through Temporal's OpenTracing interceptors (bridged by the
 * OpenTracing shim, the only published route for the Java SDK), GenAI attributes on router chat
 * spans, and ledger metrics, all exported over OTLP when an endpoint is configured and absent
 * otherwise.
 *
 * <p>Wiring: pass {@link #clientInterceptors()} to {@code WorkflowClientOptions}, {@link
 * #workerInterceptors()} to {@code WorkerFactoryOptions}, register {@link
 * #traceRouterChat(RouterChatActivities, RouterConfig)} instead of the bare chat activity, give
 * {@link #ledgerMetrics()} to the meter, and {@link #close()} on shutdown so the last spans leave.
 */
public final class Telemetry implements AutoCloseable {
  /** The instrumentation scope of Tally's own spans and metrics. */
  public static final String SCOPE = "dev.tally";

  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  private final TelemetryConfig config;
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final OpenTracingOptions tracing;
  private final LedgerMetrics ledgerMetrics;
  private final ChatMetrics chatMetrics;

  private Telemetry(TelemetryConfig config, OpenTelemetrySdk sdk) {
    this.config = config;
    this.sdk = sdk;
    this.openTelemetry = sdk == null ? OpenTelemetry.noop() : sdk;
    this.tracing =
        sdk == null ? null : OpenTracingOptions.newBuilder().setTracer(shim(openTelemetry)).build();
    Meter meter = openTelemetry.getMeter(SCOPE);
    this.ledgerMetrics = new LedgerMetrics(meter);
    this.chatMetrics = new ChatMetrics(meter);
  }

  /**
   * Telemetry as {@code config} says: OTLP export of spans (batched) and metrics (periodic) when an
   * endpoint is set, nothing at all otherwise.
   */
  public static Telemetry create(TelemetryConfig config) {
    Objects.requireNonNull(config, "config");
    if (!config.enabled()) {
      log.info("OpenTelemetry off: {} is not set", TelemetryConfig.ENDPOINT_ENV);
      return new Telemetry(config, null);
    }
    SpanExporter spans = spanExporter(config);
    MetricExporter metrics = metricExporter(config);
    Telemetry t =
        withProcessors(
            config,
            BatchSpanProcessor.builder(spans).build(),
            PeriodicMetricReader.builder(metrics).setInterval(config.metricInterval()).build());
    log.info("OpenTelemetry on: {}", config);
    return t;
  }

  /** Telemetry over given span processing and metric reading: for tests and embedders. */
  public static Telemetry withProcessors(
      TelemetryConfig config, SpanProcessor spans, MetricReader metrics) {
    Objects.requireNonNull(config, "config");
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), config.serviceName())));
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().setResource(resource).addSpanProcessor(spans).build();
    SdkMeterProvider meterProvider =
        SdkMeterProvider.builder().setResource(resource).registerMetricReader(metrics).build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracerProvider)
            .setMeterProvider(meterProvider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new Telemetry(config, sdk);
  }

  public TelemetryConfig config() {
    return config;
  }

  /** Whether anything is recorded. */
  public boolean enabled() {
    return sdk != null;
  }

  /** The OpenTelemetry API instance: the SDK when enabled, a no-op otherwise. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** For {@code WorkflowClientOptions.setInterceptors}: none when telemetry is off. */
  public WorkflowClientInterceptor[] clientInterceptors() {
    return tracing == null
        ? new WorkflowClientInterceptor[0]
        : new WorkflowClientInterceptor[] {new OpenTracingClientInterceptor(tracing)};
  }

  /** For {@code WorkerFactoryOptions.setWorkerInterceptors}: none when telemetry is off. */
  public WorkerInterceptor[] workerInterceptors() {
    return tracing == null
        ? new WorkerInterceptor[0]
        : new WorkerInterceptor[] {new OpenTracingWorkerInterceptor(tracing)};
  }

  /**
   * {@code chat} with GenAI and cost attributes on its activity span and driver-turn latency in
   * {@code tally.driver.turn.latency}; {@code chat} itself when telemetry is off.
   *
   * @param routerConfig names the default models, so a turn without a model override still reports
   *     the model it asked for; may be null
   */
  public RouterChatActivities traceRouterChat(
      RouterChatActivities chat, RouterConfig routerConfig) {
    Objects.requireNonNull(chat, "chat");
    if (!enabled()) {
      return chat;
    }
    return new TracedRouterChat(chat, routerConfig, config.captureContent(), chatMetrics);
  }

  /** A meter sink counting tokens and dollars: {@code tally.tokens} and {@code tally.usd}. */
  public LedgerSink ledgerMetrics() {
    return ledgerMetrics;
  }

  /** Exports what is buffered and stops; waits up to ten seconds. */
  @Override
  public void close() {
    if (sdk == null) {
      return;
    }
    sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    sdk.getSdkMeterProvider().forceFlush().join(10, TimeUnit.SECONDS);
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * The OpenTracing view of {@code otel}. The shim is deprecated upstream, but Temporal's Java SDK
   * publishes no other tracing integration yet (its OpenTelemetry module is not released), so this
   * is the one place that uses it.
   */
  @SuppressWarnings("deprecation")
  private static io.opentracing.Tracer shim(OpenTelemetry otel) {
    return io.opentelemetry.opentracingshim.OpenTracingShim.createTracerShim(otel);
  }

  private static SpanExporter spanExporter(TelemetryConfig config) {
    if (config.protocol() == TelemetryConfig.Protocol.GRPC) {
      OtlpGrpcSpanExporterBuilder b =
          OtlpGrpcSpanExporter.builder().setEndpoint(config.tracesEndpoint());
      config.headers().forEach(b::addHeader);
      return b.build();
    }
    OtlpHttpSpanExporterBuilder b =
        OtlpHttpSpanExporter.builder().setEndpoint(config.tracesEndpoint());
    config.headers().forEach(b::addHeader);
    return b.build();
  }

  private static MetricExporter metricExporter(TelemetryConfig config) {
    if (config.protocol() == TelemetryConfig.Protocol.GRPC) {
      OtlpGrpcMetricExporterBuilder b =
          OtlpGrpcMetricExporter.builder().setEndpoint(config.metricsEndpoint());
      config.headers().forEach(b::addHeader);
      return b.build();
    }
    OtlpHttpMetricExporterBuilder b =
        OtlpHttpMetricExporter.builder().setEndpoint(config.metricsEndpoint());
    config.headers().forEach(b::addHeader);
    return b.build();
  }
}
