package dev.tally.telemetry;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import dev.tally.meter.LedgerSink;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Token and dollar counters fed by the {@code Meter} activity: {@code tally.tokens} by model,
 * profile, ledger kind and direction, and {@code tally.usd} by model, profile and usd source.
 *
 * <p>Only the ledgers of top-level runs are counted. A nested driver (node {@code <parent>:s<n>})
 * keeps a ledger of its own, but everything in it reaches its parent's ledger again when it settles
 * (its inference re-homed as one {@code metered} entry, its children's work in the {@code settled}
 * entry), so counting both would count those tokens twice. A {@code settled} entry names the model
 * that did the work; cancelled and crashed workers name none, and their spend is counted under
 * model {@code unattributed}, always with the profile they were spawned with. A {@code carried}
 * entry (the first of a run that continued-as-new) repeats totals already counted, and a {@code
 * raised} entry moves ceilings, not spend: neither is counted.
 */
final class LedgerMetrics implements LedgerSink {
  static final String TOKENS = "tally.tokens";
  static final String USD = "tally.usd";
  static final String UNATTRIBUTED = "unattributed";

  /** Profiles remembered from {@code spawned} entries, far more than workers in flight. */
  private static final int REMEMBERED_PROFILES = 100_000;

  private static final Pattern NESTED_NODE = Pattern.compile(".*:s\\d+$");

  private final LongCounter tokens;
  private final DoubleCounter usd;
  private final Map<String, String> profiles =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_PROFILES;
        }
      };

  LedgerMetrics(Meter meter) {
    this.tokens =
        meter
            .counterBuilder(TOKENS)
            .setUnit("{token}")
            .setDescription("Tokens spent, from the ledger of each top-level run")
            .build();
    this.usd =
        meter
            .counterBuilder(USD)
            .ofDoubles()
            .setUnit("USD")
            .setDescription("Dollars spent (a floor where usd_source is UNKNOWN)")
            .build();
  }

  @Override
  public void record(String key, String runId, LedgerEntry entry) {
    if (NESTED_NODE.matcher(runId).matches()) {
      return;
    }
    if (entry instanceof LedgerEntry.Spawned s) {
      synchronized (profiles) {
        profiles.put(runId + "/" + s.id(), s.profile());
      }
    } else if (entry instanceof LedgerEntry.Metered m) {
      count(m.model() == null ? UNATTRIBUTED : m.model(), "driver", m.kind(), m.spend());
    } else if (entry instanceof LedgerEntry.Settled s) {
      count(
          s.model() == null ? UNATTRIBUTED : s.model(),
          profileOf(runId, s.id()),
          s.kind(),
          s.spent());
    } else if (entry instanceof LedgerEntry.Cancelled c) {
      count(UNATTRIBUTED, profileOf(runId, c.id()), c.kind(), c.spent());
    }
  }

  private String profileOf(String runId, String nodeId) {
    synchronized (profiles) {
      String p = profiles.get(runId + "/" + nodeId);
      return p == null ? UNATTRIBUTED : p;
    }
  }

  private void count(String model, String profile, String kind, Spend spend) {
    Attributes base =
        Attributes.builder()
            .put(GenAiAttributes.MODEL, model)
            .put(GenAiAttributes.PROFILE, profile)
            .put(GenAiAttributes.KIND, kind)
            .put(GenAiAttributes.TOKENS_KNOWN, spend.tokensKnown())
            .build();
    tokens.add(
        spend.inputTokens(), base.toBuilder().put(GenAiAttributes.DIRECTION, "input").build());
    tokens.add(
        spend.outputTokens(), base.toBuilder().put(GenAiAttributes.DIRECTION, "output").build());
    usd.add(
        spend.usd().doubleValue(),
        Attributes.builder()
            .put(GenAiAttributes.MODEL, model)
            .put(GenAiAttributes.PROFILE, profile)
            .put(GenAiAttributes.USD_SOURCE, spend.usdSource().name())
            .build());
  }
}
