package dev.tally.meter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeterActivitiesImplTest {
  private final List<String> sunk = new ArrayList<>();
  private final LedgerSink sink = (key, runId, entry) -> sunk.add(key);

  private static LedgerEntry spawned(long seq) {
    return new LedgerEntry.Spawned("run:s" + seq, "run", "w", "chat", Budget.of(1, 100), seq);
  }

  private static LedgerEntry metered(long seq) {
    return new LedgerEntry.Metered("run", Spend.unknown(0), "m", (int) seq, seq);
  }

  @Test
  void meter_newEntries_areRecordedAndSunkWithTheirKeys() {
    MeterActivitiesImpl meter = new MeterActivitiesImpl(List.of(sink));

    MeterReceipt receipt = meter.meter(new MeterBatch("run", List.of(spawned(0), metered(0))));

    assertThat(receipt).isEqualTo(new MeterReceipt(2, 0));
    assertThat(sunk).containsExactly("run/spawned/0", "run/metered/0");
  }

  @Test
  void meter_retriedBatch_countsDuplicatesAndSinksNothingTwice() {
    MeterActivitiesImpl meter = new MeterActivitiesImpl(List.of(sink));
    MeterBatch batch = new MeterBatch("run", List.of(spawned(0), metered(0)));
    meter.meter(batch);

    MeterReceipt again = meter.meter(new MeterBatch("run", List.of(spawned(0), metered(1))));

    assertThat(again).isEqualTo(new MeterReceipt(1, 1));
    assertThat(sunk).containsExactly("run/spawned/0", "run/metered/0", "run/metered/1");
  }

  @Test
  void meter_sameSeqInAnotherRun_isNotADuplicate() {
    MeterActivitiesImpl meter = new MeterActivitiesImpl(List.of(sink));
    meter.meter(new MeterBatch("run-a", List.of(metered(0))));

    MeterReceipt other = meter.meter(new MeterBatch("run-b", List.of(metered(0))));

    assertThat(other).isEqualTo(new MeterReceipt(1, 0));
  }

  @Test
  void meter_beyondRememberedKeys_forgetsTheOldestFirst() {
    MeterActivitiesImpl meter = new MeterActivitiesImpl(List.of(sink), 2);
    meter.meter(new MeterBatch("run", List.of(metered(0), metered(1), metered(2))));

    MeterReceipt receipt = meter.meter(new MeterBatch("run", List.of(metered(2), metered(0))));

    // Key 2 is still remembered; key 0 was evicted, so it is passed on again.
    assertThat(receipt).isEqualTo(new MeterReceipt(1, 1));
  }
}
