package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.EarlierRuns;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.Spend;
import dev.tally.supervise.RunResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A summary of many runs: how they ended, why the ones without a winner did not have one, and where
 * the money went by model and by profile.
 *
 * <p>Cost is attributed from each run's own ledger, whose entries count every token of the run
 * exactly once: driver turns ({@code metered}) by their model under profile {@code driver}; settled
 * and cancelled workers by the profile they were spawned with. A worker's entries do not name its
 * model, so its cost appears under model {@value #UNATTRIBUTED}; a run given without its ledger
 * counts its whole {@code spentTotal} there. A continued run read without the runs before it counts
 * their {@code carried} totals once, under model {@value #UNATTRIBUTED} (driver inference under
 * profile {@code driver}, child work under {@value #UNATTRIBUTED}); a {@code carried} entry inside
 * a whole chain counts nothing, since the entries before it already did.
 *
 * @param runs how many runs
 * @param byOutcome {@code WINNER}, {@code NO_WINNER}, or the workflow status of a run without a
 *     result ({@code failed}, {@code terminated}, {@code running}, ...)
 * @param byReason the {@code reason} of every run without a winner
 * @param byErrorType the error type of every {@code driver-failed} or failed run
 * @param costByModel spend per model
 * @param costByProfile spend per worker profile ({@code driver} for driver inference)
 * @param total everything spent; unknown flags propagate
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunStats(
    int runs,
    Map<String, Integer> byOutcome,
    Map<String, Integer> byReason,
    Map<String, Integer> byErrorType,
    Map<String, Spend> costByModel,
    Map<String, Spend> costByProfile,
    Spend total) {

  /** The model name given to work whose ledger entry does not say which model did it. */
  public static final String UNATTRIBUTED = "unattributed";

  /** The profile of a driver's own inference. */
  public static final String DRIVER = "driver";

  /**
   * One run as the summary needs it.
   *
   * @param runId its workflow id
   * @param status its workflow status ({@code completed}, {@code cancelled}, {@code failed}, ...)
   * @param result its result, or null when it has none
   * @param error the failure of a run that failed without a result, or null
   * @param ledger its ledger entries, or null when not read
   */
  public record Run(
      String runId,
      String status,
      RunResult result,
      RunResult.ErrorInfo error,
      List<LedgerEntry> ledger) {

    /** A run as its history tells it. */
    public static Run fromHistory(String runId, RunHistory history) {
      return new Run(
          runId, history.status(), history.result(), history.failure(), history.ledger());
    }
  }

  /** Summarises {@code runs}. */
  public static RunStats of(List<Run> runs) {
    Objects.requireNonNull(runs, "runs");
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    Map<String, Integer> errors = new TreeMap<>();
    Map<String, Spend> byModel = new TreeMap<>();
    Map<String, Spend> byProfile = new TreeMap<>();
    Spend total = Spend.ZERO;
    for (Run run : runs) {
      RunResult r = run.result();
      String outcome = r != null ? r.kind() : run.status() == null ? "unknown" : run.status();
      outcomes.merge(outcome, 1, Integer::sum);
      if (r != null && r.reason() != null && !RunResult.WINNER.equals(r.kind())) {
        reasons.merge(r.reason(), 1, Integer::sum);
      }
      RunResult.ErrorInfo error = r != null && r.error() != null ? r.error() : run.error();
      if (error != null) {
        errors.merge(error.type(), 1, Integer::sum);
      }
      if (run.ledger() != null) {
        total = total.plus(attribute(run.ledger(), byModel, byProfile));
      } else if (r != null && r.spentTotal() != null) {
        add(byModel, UNATTRIBUTED, r.spentTotal());
        add(byProfile, UNATTRIBUTED, r.spentTotal());
        total = total.plus(r.spentTotal());
      }
    }
    return new RunStats(runs.size(), outcomes, reasons, errors, byModel, byProfile, total);
  }

  private static Spend attribute(
      List<LedgerEntry> ledger, Map<String, Spend> byModel, Map<String, Spend> byProfile) {
    Map<String, String> profiles = new HashMap<>();
    Spend sum = Spend.ZERO;
    if (EarlierRuns.any(ledger)) {
      LedgerTotals earlier = EarlierRuns.totals(ledger);
      add(byModel, UNATTRIBUTED, earlier.spentTotal());
      add(byProfile, DRIVER, earlier.driverInference());
      add(byProfile, UNATTRIBUTED, earlier.childWork());
      sum = sum.plus(earlier.spentTotal());
    }
    for (LedgerEntry e : ledger) {
      if (e instanceof LedgerEntry.Spawned s) {
        profiles.put(s.id(), s.profile());
      } else if (e instanceof LedgerEntry.Metered m) {
        add(byModel, m.model() == null ? UNATTRIBUTED : m.model(), m.spend());
        add(byProfile, DRIVER, m.spend());
        sum = sum.plus(m.spend());
      } else if (e instanceof LedgerEntry.Settled s) {
        add(byModel, UNATTRIBUTED, s.spent());
        add(byProfile, profiles.getOrDefault(s.id(), UNATTRIBUTED), s.spent());
        sum = sum.plus(s.spent());
      } else if (e instanceof LedgerEntry.Cancelled c) {
        add(byModel, UNATTRIBUTED, c.spent());
        add(byProfile, profiles.getOrDefault(c.id(), UNATTRIBUTED), c.spent());
        sum = sum.plus(c.spent());
      }
    }
    return sum;
  }

  private static void add(Map<String, Spend> into, String key, Spend spend) {
    into.merge(key, spend, Spend::plus);
  }

  /** The models, most expensive first, for display. */
  public List<String> modelsByCost() {
    List<String> names = new ArrayList<>(costByModel.keySet());
    names.sort((a, b) -> costByModel.get(b).usd().compareTo(costByModel.get(a).usd()));
    return names;
  }
}
