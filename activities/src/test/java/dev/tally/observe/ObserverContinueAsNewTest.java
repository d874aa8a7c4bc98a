package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thousand ops, each through the real signal-with-start, some sent twice: the observer continues
 * as new under them and keeps its aggregates, digests and log intact.
 */
class ObserverContinueAsNewTest {
  private static final int OPS = 1_000;

  private final ObserverStack stack = new ObserverStack(true, ObserverSettings.DEFAULTS).start();

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void thousandOps_continueAsNew_aggregatesAndLogIntact() throws Exception {
    ObserverActivitiesImpl report = stack.observerActivities();
    // Ops closed in the past, as real ones are by the time they are reported.
    long now = System.currentTimeMillis() - 60_000;
    Digest early = null;
    for (int i = 0; i < OPS; i++) {
      Op op = op(i, now + i);
      report.reportOp(op);
      if (i % 50 == 0) {
        report.reportOp(op); // a retried report
      }
      if (i == 299) {
        stack.awaitOps(300, Duration.ofSeconds(60));
        early = stack.observer().digestNow(false);
      }
    }

    ObserverStats stats =
        stack.awaitStats(
            s -> s.aggregates().total().ops() >= OPS && s.generation() >= 1,
            "all ops, after continuing as new",
            Duration.ofSeconds(120));

    assertThat(stats.aggregates().total().ops()).isEqualTo(OPS);
    assertThat(stats.generation()).as("continued as new").isGreaterThanOrEqualTo(1);
    assertThat(stats.duplicates()).isEqualTo(OPS / 50);
    Spend total = stats.aggregates().total().spent();
    assertThat(total.usd())
        .isEqualByComparingTo(new BigDecimal("0.001").multiply(BigDecimal.valueOf(OPS)));
    assertThat(total.usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(total.inputTokens()).isEqualTo(100L * OPS);
    assertThat(stats.aggregates().total().succeeded()).isEqualTo(OPS - OPS / 4);
    assertThat(stats.aggregates().byReason().get("budget-exhausted").ops()).isEqualTo(OPS / 4);
    assertThat(stats.aggregates().byProfile().keySet()).containsExactly("coder", "run");
    assertThat(stack.observer().digests()).containsExactly(early);
    assertThat(stack.observer().playbook().orElseThrow().entries()).hasSize(2);

    ObserverLog.Read log = stack.observer().log(0);
    assertThat(log.complete()).isTrue();
    assertThat(log.runs()).isEqualTo((int) stats.generation() + 1);
    assertThat(log.ops()).hasSize(OPS);
    assertThat(log.ops()).extracting(Op::closedAtMs).isSorted();
    assertThat(stack.observer().log(now + 900).ops()).hasSize(100);
    int events = stack.client.fetchHistory(ObserverWorkflow.WORKFLOW_ID).getEvents().size();
    assertThat(events)
        .as("the current run's history stays bounded")
        .isLessThan(3 * ObserverWorkflowImpl.MAX_OPS_PER_RUN);
  }

  private static Op op(int i, long closedAtMs) {
    boolean failed = i % 4 == 0;
    return new Op(
        "run-" + i + "/first",
        "run-" + i,
        i % 2 == 0 ? Op.RUN : Op.DELEGATION,
        i % 2 == 0 ? "run" : "coder",
        "default",
        failed ? Op.NO_WINNER : Op.WINNER,
        !failed,
        failed ? "budget-exhausted" : null,
        null,
        null,
        new Spend(0, 100, 20, new BigDecimal("0.001"), 0, true, UsdSource.BILLED),
        10,
        List.of("m-" + (i % 3)),
        Map.of(),
        Budget.of(1, 1000),
        "sha256:" + i,
        closedAtMs,
        null);
  }
}
