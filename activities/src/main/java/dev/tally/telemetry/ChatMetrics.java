package dev.tally.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;

/** Instruments measured around router chat calls. */
final class ChatMetrics {
  /** Metric name of the driver-turn latency histogram, in milliseconds. */
  static final String DRIVER_TURN_LATENCY = "tally.driver.turn.latency";

  private final DoubleHistogram driverTurnLatency;

  ChatMetrics(Meter meter) {
    this.driverTurnLatency =
        meter
            .histogramBuilder(DRIVER_TURN_LATENCY)
            .setUnit("ms")
            .setDescription("Wall time of one driver turn's model call, as the activity saw it")
            .build();
  }

  void driverTurn(double millis, String model) {
    driverTurnLatency.record(
        millis, model == null ? Attributes.empty() : Attributes.of(GenAiAttributes.MODEL, model));
  }
}
