package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The digest's durable timer loop, on the time-skipping test server. */
class ObserverDigestLoopTest {
  private static final long HOUR = 3_600_000L;

  private final ObserverStack stack =
      new ObserverStack(true, new ObserverSettings(null, Budget.of(0, 1_000), HOUR, 24 * HOUR, 3))
          .start();

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void timerLoop_writesAScheduledDigestEachPeriodWithNewOps_andNoneForAQuietOne() throws Exception {
    ObserverActivitiesImpl report = stack.observerActivities();
    report.reportOp(failure("run-1", stack.env.currentTimeMillis()));
    report.reportOp(failure("run-2", stack.env.currentTimeMillis()));
    stack.awaitOps(2, Duration.ofSeconds(30));

    stack.env.sleep(Duration.ofMinutes(61));

    List<Digest> digests = stack.observer().digests();
    assertThat(digests)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.trigger()).isEqualTo(Digest.SCHEDULED);
              assertThat(d.failures()).isEqualTo(2);
              assertThat(d.groups())
                  .singleElement()
                  .satisfies(g -> assertThat(g.count()).isEqualTo(2));
            });
    assertThat(stack.observer().stats().orElseThrow().nextDigestAtMs())
        .isGreaterThan(digests.get(0).atMs());

    stack.env.sleep(Duration.ofMinutes(61));

    assertThat(stack.observer().digests())
        .as("a quiet hour writes nothing: %s", stack.observer().digests())
        .hasSize(1);

    report.reportOp(failure("run-3", stack.env.currentTimeMillis()));
    stack.awaitOps(3, Duration.ofSeconds(30));
    stack.env.sleep(Duration.ofMinutes(61));

    assertThat(stack.observer().digests())
        .extracting(Digest::seq, Digest::failures)
        .first()
        .isEqualTo(org.assertj.core.groups.Tuple.tuple(2L, 3L));
  }

  private static Op failure(String runId, long at) {
    return new Op(
        runId + "/first",
        runId,
        Op.RUN,
        "run",
        "default",
        Op.NO_WINNER,
        false,
        "budget-exhausted",
        null,
        null,
        Spend.ZERO,
        10,
        List.of(),
        Map.of(),
        null,
        "sha256:" + runId,
        at,
        null);
  }
}
