package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.json.Json;
import dev.tally.meter.MeterBatch;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one reader of {@code Meter} entries, on the two shapes a history records them in. */
class MeterEntriesTest {
  private static final Spend TURN =
      new Spend(0, 10, 2, new BigDecimal("0.001"), 0, true, UsdSource.BILLED);

  private static String payloads(Object... values) {
    StringBuilder b = new StringBuilder("{\"payloads\":[");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"metadata\":{\"encoding\":\"")
          .append(b64("json/plain"))
          .append("\"},\"data\":\"")
          .append(b64(Json.canonical(values[i])))
          .append("\"}");
    }
    return b.append("]}").toString();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String marker(MeterBatch batch) {
    return "{\"markerRecordedEventAttributes\":{\"markerName\":\"LocalActivity\",\"details\":{"
        + "\"type\":"
        + payloads("Meter")
        + ",\"input\":"
        + payloads(batch)
        + "}}}";
  }

  private static String scheduled(MeterBatch batch) {
    return "{\"activityTaskScheduledEventAttributes\":{\"activityType\":{\"name\":\"Meter\"},"
        + "\"input\":"
        + payloads(batch)
        + "}}";
  }

  private static MeterBatch batch(LedgerEntry... entries) {
    return new MeterBatch("run-m", List.of(entries));
  }

  @Test
  void of_markerAndScheduledActivityOfTheSameEntries_eachEntryOnceInOrder() {
    LedgerEntry a = new LedgerEntry.Metered("run-m", TURN, "m", 0, 1);
    LedgerEntry b = new LedgerEntry.Metered("run-m", TURN, "m", 1, 2);
    String history =
        "{\"events\":["
            + marker(batch(a))
            + ","
            + scheduled(batch(a, b))
            + ","
            + marker(batch(b))
            + "]}";

    List<LedgerEntry> entries = MeterEntries.of(history);

    assertThat(entries).containsExactly(a, b);
  }

  @Test
  void of_twoHistoriesWithOneSeenSet_anEntryInBothCountsOnce() {
    LedgerEntry a = new LedgerEntry.Metered("run-m", TURN, "m", 0, 1);
    LedgerEntry carried =
        new LedgerEntry.Carried("run-m", "r1", new LedgerTotals(TURN, TURN, Spend.ZERO), 1);
    Set<String> seen = new LinkedHashSet<>();

    List<LedgerEntry> first =
        MeterEntries.of(MeterEntries.events("{\"events\":[" + marker(batch(a)) + "]}"), seen);
    List<LedgerEntry> second =
        MeterEntries.of(
            MeterEntries.events("{\"events\":[" + marker(batch(carried, a)) + "]}"), seen);

    assertThat(first).containsExactly(a);
    assertThat(second).containsExactly(carried);
    assertThat(seen).containsExactly("run-m/metered/1", "run-m/carried/1");
  }

  @Test
  void earlierRuns_readAloneOrWhole_leadingCarriedCountsOnlyWhenAlone() {
    LedgerEntry a = new LedgerEntry.Metered("run-m", TURN, "m", 0, 1);
    LedgerEntry carried =
        new LedgerEntry.Carried("run-m", "r1", new LedgerTotals(TURN, TURN, Spend.ZERO), 1);

    assertThat(EarlierRuns.any(List.of(carried))).isTrue();
    assertThat(EarlierRuns.totals(List.of(carried)).spentTotal().sameAs(TURN)).isTrue();
    assertThat(EarlierRuns.any(List.of(a, carried))).isFalse();
    assertThat(EarlierRuns.totals(List.of(a, carried)).spentTotal().sameAs(Spend.ZERO)).isTrue();
    assertThat(LedgerTotals.of(List.of(a, carried)).spentTotal().sameAs(TURN)).isTrue();
  }

  @Test
  void of_binaryPayload_refusedNamingTheEncoding() {
    String history =
        "{\"events\":[{\"activityTaskScheduledEventAttributes\":{\"activityType\":{\"name\":"
            + "\"Meter\"},\"input\":{\"payloads\":[{\"metadata\":{\"encoding\":\""
            + b64("binary/protobuf")
            + "\"},\"data\":\"\"}]}}}]}";

    assertThatThrownBy(() -> MeterEntries.of(history))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "expected json/plain Meter payloads, got encoding \"binary/protobuf\"");
  }
}
