package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.supervise.RunResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStatsTest {
  private static Spend spend(long in, long out, String usd, UsdSource source) {
    return new Spend(0, in, out, new BigDecimal(usd), 0, true, source);
  }

  private static RunResult result(String kind, String reason, RunResult.ErrorInfo e, Spend total) {
    return new RunResult(kind, null, null, null, null, reason, null, e, 0, total, null);
  }

  @Test
  void of_mixedRuns_countsOutcomesReasonsAndAttributesCost() {
    List<LedgerEntry> a =
        List.of(
            new LedgerEntry.Metered("a", spend(100, 10, "0.01", UsdSource.BILLED), "gpt-x", 0, 1),
            new LedgerEntry.Spawned("a:s1", "a", "w", "chat", Budget.of(1, 100), 1),
            new LedgerEntry.Settled(
                "a:s1",
                "done",
                "sha256:1",
                null,
                spend(50, 5, "0.002", UsdSource.CATALOG),
                null,
                null,
                null,
                1));
    List<LedgerEntry> b =
        List.of(
            new LedgerEntry.Metered("b", spend(80, 8, "0.03", UsdSource.BILLED), "claude-y", 0, 1),
            new LedgerEntry.Spawned("b:s1", "b", "w", "driver", Budget.of(2, 500), 1),
            new LedgerEntry.Metered("b:s1", spend(60, 6, "0.02", UsdSource.BILLED), "gpt-x", 2, 1),
            new LedgerEntry.Cancelled("b:s1", "run ended", spend(0, 0, "0", UsdSource.UNKNOWN), 1));
    Spend cTotal = spend(7, 3, "0.5", UsdSource.BILLED);
    List<RunStats.Run> runs =
        List.of(
            new RunStats.Run(
                "a",
                "completed",
                result("WINNER", null, null, LedgerTotals.of(a).spentTotal()),
                null,
                a),
            new RunStats.Run(
                "b",
                "completed",
                result(
                    "NO_WINNER",
                    "driver-failed",
                    new RunResult.ErrorInfo("RouterUnauthorized", "401"),
                    LedgerTotals.of(b).spentTotal()),
                null,
                b),
            new RunStats.Run(
                "c", "cancelled", result("NO_WINNER", "cancelled", null, cTotal), null, null),
            new RunStats.Run(
                "d", "failed", null, new RunResult.ErrorInfo("InvalidRunRequest", "x"), null));

    RunStats s = RunStats.of(runs);

    assertThat(s.runs()).isEqualTo(4);
    assertThat(s.byOutcome()).isEqualTo(Map.of("WINNER", 1, "NO_WINNER", 2, "failed", 1));
    assertThat(s.byReason()).isEqualTo(Map.of("driver-failed", 1, "cancelled", 1));
    assertThat(s.byErrorType()).isEqualTo(Map.of("RouterUnauthorized", 1, "InvalidRunRequest", 1));
    assertThat(s.costByModel().get("gpt-x").usd()).isEqualByComparingTo("0.03");
    assertThat(s.costByModel().get("gpt-x").inputTokens()).isEqualTo(160);
    assertThat(s.costByModel().get("claude-y").usd()).isEqualByComparingTo("0.03");
    assertThat(s.costByModel().get(RunStats.UNATTRIBUTED).usd()).isEqualByComparingTo("0.502");
    assertThat(s.costByProfile().get("driver").usd()).isEqualByComparingTo("0.06");
    assertThat(s.costByProfile().get("chat").usd()).isEqualByComparingTo("0.002");
    assertThat(s.total().usd()).isEqualByComparingTo("0.562");
    assertThat(s.total().usdSource())
        .as("an unpriced entry makes the total a floor")
        .isEqualTo(UsdSource.UNKNOWN);
    BigDecimal byProfile =
        s.costByProfile().values().stream()
            .map(Spend::usd)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(byProfile).isEqualByComparingTo(s.total().usd());
    assertThat(s.modelsByCost().get(0)).isEqualTo(RunStats.UNATTRIBUTED);
  }

  @Test
  void of_noRuns_isEmpty() {
    RunStats s = RunStats.of(List.of());

    assertThat(s.runs()).isZero();
    assertThat(s.byOutcome()).isEmpty();
    assertThat(s.total().sameAs(Spend.ZERO)).isTrue();
  }
}
