package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testing.RecordingMeter;
import dev.tally.testing.Requests;
import dev.tally.testing.Scripts;
import dev.tally.testing.TemporalHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerGapsTest {
  private static final String COMPLETED_CALL_NOT_METERED =
      "{\"events\":["
          + "{\"eventId\":\"5\",\"activityTaskScheduledEventAttributes\":"
          + "{\"activityType\":{\"name\":\"RouterChat\"}}},"
          + "{\"eventId\":\"7\",\"activityTaskCompletedEventAttributes\":{\"scheduledEventId\":\"5\"}},"
          + "{\"eventId\":\"9\",\"activityTaskScheduledEventAttributes\":"
          + "{\"activityType\":{\"name\":\"RouterChat\"}}}"
          + "]}";

  @Test
  void completedRouterCallWithoutMeteredEntry_isAGap() {
    LedgerGaps gaps = LedgerGaps.of(COMPLETED_CALL_NOT_METERED, "run-x", List.of());

    assertThat(gaps.none()).isFalse();
    assertThat(gaps.routerCallsCompleted()).isEqualTo(1);
    assertThat(gaps.routerCallsInFlight()).isEqualTo(1);
    assertThat(gaps.describe())
        .contains("1 completed router call(s) but 0 metered")
        .contains("1 router call(s) still in flight");
  }

  @Test
  void finishedRunThroughTheRealWorkflows_hasNoGaps() {
    try (TemporalHarness harness =
        new TemporalHarness(
            new dev.tally.testing.ScriptedChat(Scripts.coordinator(2)), new RecordingMeter())) {
      harness.newRun("run-gaps").run(Requests.basic("two workers"));
      String history = harness.historyJson("run-gaps");

      LedgerGaps gaps =
          LedgerGaps.of(history, "run-gaps", LedgerRebuilder.fromHistoryJson(history));

      assertThat(gaps.describe()).isNull();
      assertThat(gaps.routerCallsCompleted()).isPositive();
      assertThat(gaps.childrenStarted()).isEqualTo(2);
    }
  }
}
