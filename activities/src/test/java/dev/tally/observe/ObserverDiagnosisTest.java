package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatMessage;
import dev.tally.router.InputEstimate;
import dev.tally.router.scripted.ScriptedRouter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The observer's model is the scripted router over HTTP: a digest's diagnosis goes through the
 * metered RouterChat activity on the observer's own ledger, and is refused without a call once the
 * observer's budget cannot pay for another.
 */
class ObserverDiagnosisTest {
  private static final long NOW = System.currentTimeMillis();
  private static final List<Op> FAILURES =
      List.of(
          failure("run-a", "budget-exhausted", null),
          failure("run-b", "budget-exhausted", null),
          failure("run-c", "driver-failed", "RouterNotFound"));

  /** Enough tokens for one diagnosis of {@link #FAILURES} and not for a second. */
  private static final long BUDGET =
      InputEstimate.minimalCall(
              List.of(
                  ChatMessage.system(Diagnoser.PROMPT),
                  ChatMessage.user(Diagnoser.summary(Digests.groups(FAILURES)))),
              List.of())
          + 20;

  private final ObserverStack stack =
      new ObserverStack(
              true,
              new ObserverSettings(
                  ScriptedRouter.MODEL,
                  Budget.of(0, BUDGET),
                  0,
                  ObserverSettings.DEFAULT_DIGEST_WINDOW_MS,
                  3))
          .start();

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void diagnosis_isMeteredOnTheObserversLedger_andRefusedOnceItsBudgetIsSpent() throws Exception {
    ObserverActivitiesImpl report = stack.observerActivities();
    FAILURES.forEach(report::reportOp);
    stack.awaitOps(3, java.time.Duration.ofSeconds(30));

    Digest first = stack.observer().digestNow(true);

    assertThat(first.diagnosis().status()).isEqualTo(Digest.Diagnosis.DONE);
    assertThat(first.diagnosis().text()).startsWith(ScriptedRouter.PREFIX);
    assertThat(stack.scripted.billed()).hasSize(1);
    Spend spent = first.diagnosis().spent();
    assertThat(spent.usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(spent.tokens())
        .isEqualTo(
            stack.scripted.totals().promptTokens() + stack.scripted.totals().completionTokens());
    assertThat(spent.usd()).isEqualByComparingTo(stack.scripted.totals().costUsd());
    assertThat(spent.usd()).isGreaterThan(BigDecimal.ZERO);
    List<LedgerEntry> ledger = stack.metered.get(ObserverWorkflow.WORKFLOW_ID + "@0");
    assertThat(ledger)
        .as("the observer's ledger")
        .singleElement()
        .isInstanceOfSatisfying(
            LedgerEntry.Metered.class, m -> assertThat(m.spend().sameAs(spent)).isTrue());
    assertThat(stack.observer().stats().orElseThrow().spent().sameAs(spent)).isTrue();

    Digest second = stack.observer().digestNow(true);

    assertThat(second.diagnosis().status()).isEqualTo(Digest.Diagnosis.REFUSED);
    assertThat(second.diagnosis().detail()).startsWith("budget-exhausted");
    assertThat(stack.scripted.billed()).as("no call was made").hasSize(1);
    assertThat(stack.metered.get(ObserverWorkflow.WORKFLOW_ID + "@0")).hasSize(1);
    assertThat(stack.observer().digests()).extracting(Digest::seq).containsExactly(2L, 1L);
    assertThat(second.groups()).isEqualTo(first.groups());
  }

  private static Op failure(String runId, String reason, String errorType) {
    return new Op(
        runId + "/first",
        runId,
        Op.RUN,
        "run",
        "default",
        Op.NO_WINNER,
        false,
        reason,
        errorType,
        "what " + runId + " said",
        Spend.ZERO,
        1_000,
        List.of(ScriptedRouter.MODEL),
        Map.of(),
        Budget.of(1, 100),
        "sha256:" + runId,
        NOW,
        null);
  }
}
