package dev.tally.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.LedgerSink;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.util.Collection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LedgerMetricsTest {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final Telemetry telemetry =
      Telemetry.withProcessors(
          TelemetryConfig.off(), SimpleSpanProcessor.create(InMemorySpanExporter.create()), reader);
  private final LedgerSink sink = telemetry.ledgerMetrics();

  @AfterEach
  void close() {
    telemetry.close();
  }

  private static Spend spend(long in, long out, String usd, UsdSource source) {
    return new Spend(0, in, out, new BigDecimal(usd), 0, true, source);
  }

  @Test
  void record_rootLedger_countsByModelProfileAndDirection() {
    sink.record(
        "k1",
        "run-1",
        new LedgerEntry.Metered(
            "run-1", spend(100, 20, "0.01", UsdSource.BILLED), "m-driver", 0, 1));
    sink.record(
        "k2",
        "run-1",
        new LedgerEntry.Spawned("run-1:s1", "run-1", "w", "chat", Budget.of(1, 1000), 1));
    sink.record(
        "k3",
        "run-1",
        new LedgerEntry.Settled(
            "run-1:s1",
            "done",
            "sha256:x",
            null,
            spend(30, 5, "0.002", UsdSource.CATALOG),
            null,
            null,
            null,
            1));
    sink.record(
        "k4",
        "run-1",
        new LedgerEntry.Spawned("run-1:s2", "run-1", "w2", "chat", Budget.of(1, 1000), 2));
    sink.record(
        "k5",
        "run-1",
        new LedgerEntry.Settled(
            "run-1:s2",
            "done",
            "sha256:y",
            null,
            spend(7, 3, "0.001", UsdSource.BILLED),
            null,
            null,
            null,
            2,
            "m-worker"));

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(tokens(all, "m-worker", "chat", "input")).isEqualTo(7);
    assertThat(usd(all, "m-worker", "BILLED")).isEqualTo(0.001);
    assertThat(tokens(all, "m-driver", "driver", "input")).isEqualTo(100);
    assertThat(tokens(all, "m-driver", "driver", "output")).isEqualTo(20);
    assertThat(tokens(all, "unattributed", "chat", "input")).isEqualTo(30);
    assertThat(tokens(all, "unattributed", "chat", "output")).isEqualTo(5);
    assertThat(usd(all, "m-driver", "BILLED")).isEqualTo(0.01);
    assertThat(usd(all, "unattributed", "CATALOG")).isEqualTo(0.002);
  }

  @Test
  void record_nestedDriverLedger_isLeftToTheParent() {
    // A nested driver's own turn: the parent re-homes it when the nested driver settles.
    sink.record(
        "k1",
        "run-1:s1",
        new LedgerEntry.Metered("run-1:s1", spend(500, 50, "0.5", UsdSource.BILLED), "m", 0, 1));

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(all).noneMatch(m -> m.getName().equals("tally.tokens"));
  }

  @Test
  void record_carriedAndRaised_countNothingMore() {
    Spend turn = spend(100, 20, "0.01", UsdSource.BILLED);
    sink.record("k1", "run-1", new LedgerEntry.Metered("run-1", turn, "m-driver", 0, 1));
    // A continued run's first entry repeats the totals so far; a raise moves ceilings, not spend.
    sink.record(
        "k2",
        "run-1",
        new LedgerEntry.Carried(
            "run-1", "run-id-before", new LedgerTotals(turn, turn, Spend.ZERO), 1));
    sink.record("k3", "run-1", new LedgerEntry.Raised("run-1", Budget.of(10, 1_000_000), 1));

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(tokens(all, "m-driver", "driver", "input")).isEqualTo(100);
    assertThat(tokens(all, "unattributed", "driver", "input")).isZero();
    assertThat(usd(all, "m-driver", "BILLED")).isEqualTo(0.01);
  }

  private static long tokens(
      Collection<MetricData> all, String model, String profile, String direction) {
    MetricData m =
        all.stream().filter(d -> d.getName().equals("tally.tokens")).findFirst().orElseThrow();
    return m.getLongSumData().getPoints().stream()
        .filter(
            p ->
                matches(p.getAttributes(), model, profile)
                    && direction.equals(p.getAttributes().get(GenAiAttributes.DIRECTION)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  private static double usd(Collection<MetricData> all, String model, String source) {
    MetricData m =
        all.stream().filter(d -> d.getName().equals("tally.usd")).findFirst().orElseThrow();
    return m.getDoubleSumData().getPoints().stream()
        .filter(
            p ->
                model.equals(p.getAttributes().get(GenAiAttributes.MODEL))
                    && source.equals(p.getAttributes().get(GenAiAttributes.USD_SOURCE)))
        .mapToDouble(p -> p.getValue())
        .sum();
  }

  private static boolean matches(Attributes a, String model, String profile) {
    return model.equals(a.get(GenAiAttributes.MODEL))
        && profile.equals(a.get(GenAiAttributes.PROFILE));
  }
}
