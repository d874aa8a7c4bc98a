package dev.tally.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryConfigTest {
  @Test
  void fromEnv_nothingSet_isOffWithSpecDefaults() {
    TelemetryConfig c = TelemetryConfig.fromEnv(Map.of());

    assertThat(c.enabled()).isFalse();
    assertThat(c.protocol()).isEqualTo(TelemetryConfig.Protocol.HTTP_PROTOBUF);
    assertThat(c.serviceName()).isEqualTo("tally");
    assertThat(c.captureContent()).isFalse();
    assertThat(c.metricInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void fromEnv_httpProtobuf_appendsSignalPathsToTheEndpoint() {
    TelemetryConfig c =
        TelemetryConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

    assertThat(c.enabled()).isTrue();
    assertThat(c.tracesEndpoint()).isEqualTo("http://collector:4318/v1/traces");
    assertThat(c.metricsEndpoint()).isEqualTo("http://collector:4318/v1/metrics");
  }

  @Test
  void fromEnv_grpc_usesTheEndpointAsIs() {
    TelemetryConfig c =
        TelemetryConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

    assertThat(c.protocol()).isEqualTo(TelemetryConfig.Protocol.GRPC);
    assertThat(c.tracesEndpoint()).isEqualTo("http://collector:4317");
  }

  @Test
  void fromEnv_headers_arePercentDecodedAndNeverPrinted() {
    TelemetryConfig c =
        TelemetryConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t-value,x-team=obs"));

    assertThat(c.headers())
        .containsEntry("authorization", "Bearer s3cr3t-value")
        .containsEntry("x-team", "obs");
    assertThat(c.toString()).doesNotContain("s3cr3t-value").contains("authorization");
  }

  @Test
  void fromEnv_sdkDisabled_turnsExportOffEvenWithAnEndpoint() {
    TelemetryConfig c =
        TelemetryConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_SDK_DISABLED", "true"));

    assertThat(c.enabled()).isFalse();
  }

  @Test
  void fromEnv_captureContent_isOnOnlyWhenAskedFor() {
    assertThat(TelemetryConfig.fromEnv(Map.of("TALLY_OTEL_CAPTURE_CONTENT", "on")).captureContent())
        .isTrue();
    assertThat(
            TelemetryConfig.fromEnv(Map.of("TALLY_OTEL_CAPTURE_CONTENT", "off")).captureContent())
        .isFalse();
    assertThatThrownBy(() -> TelemetryConfig.fromEnv(Map.of("TALLY_OTEL_CAPTURE_CONTENT", "yes")))
        .hasMessageContaining("TALLY_OTEL_CAPTURE_CONTENT")
        .hasMessageContaining("\"yes\"");
  }

  @Test
  void fromEnv_badValues_nameTheVariableAndTheValue() {
    assertThatThrownBy(
            () -> TelemetryConfig.fromEnv(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL")
        .hasMessageContaining("http/json");
    assertThatThrownBy(
            () -> TelemetryConfig.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThatThrownBy(
            () ->
                TelemetryConfig.fromEnv(
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:pw@collector:4318")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(
            () -> TelemetryConfig.fromEnv(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "novalue")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
        .hasMessageNotContaining("novalue");
    assertThatThrownBy(() -> TelemetryConfig.fromEnv(Map.of("OTEL_METRIC_EXPORT_INTERVAL", "soon")))
        .hasMessageContaining("OTEL_METRIC_EXPORT_INTERVAL");
  }

  @Test
  void create_off_hasNoInterceptorsAndLeavesTheChatActivityAlone() {
    Telemetry t = Telemetry.create(TelemetryConfig.off());
    dev.tally.router.RouterChatActivities chat = request -> null;

    assertThat(t.enabled()).isFalse();
    assertThat(t.clientInterceptors()).isEmpty();
    assertThat(t.workerInterceptors()).isEmpty();
    assertThat(t.traceRouterChat(chat, null)).isSameAs(chat);
    t.close();
  }
}
