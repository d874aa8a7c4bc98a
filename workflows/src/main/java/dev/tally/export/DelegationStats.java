package dev.tally.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.Spend;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A summary of many delegations, kept apart from supervised runs: how they ended, why the failed
 * ones failed, and where the money went. Cost comes from each delegation's own ledger (one {@code
 * metered} entry per harness turn and per model review, each naming its model), so unknown flags
 * propagate into the totals.
 *
 * @param delegations how many
 * @param byStatus {@code completed}, {@code failed}, {@code cancelled}
 * @param byProfile {@code coder}, {@code researcher}, {@code ui-auditor}
 * @param byErrorKind the error kind of each failed or cancelled one
 * @param costByModel spend per model
 * @param costByProfile spend per profile
 * @param feedback ratings recorded across them
 * @param total everything spent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DelegationStats(
    int delegations,
    Map<String, Integer> byStatus,
    Map<String, Integer> byProfile,
    Map<String, Integer> byErrorKind,
    Map<String, Spend> costByModel,
    Map<String, Spend> costByProfile,
    int feedback,
    Spend total) {

  /**
   * One closed delegation as the summary needs it.
   *
   * @param taskId its workflow id
   * @param profile its profile
   * @param status how it ended
   * @param errorKind its error kind, or null
   * @param ledger its ledger entries
   * @param feedback how many ratings it has
   */
  public record Delegation(
      String taskId,
      String profile,
      String status,
      String errorKind,
      List<LedgerEntry> ledger,
      int feedback) {}

  public static DelegationStats of(List<Delegation> delegations) {
    Objects.requireNonNull(delegations, "delegations");
    Map<String, Integer> statuses = new TreeMap<>();
    Map<String, Integer> profiles = new TreeMap<>();
    Map<String, Integer> errors = new TreeMap<>();
    Map<String, Spend> byModel = new TreeMap<>();
    Map<String, Spend> byProfile = new TreeMap<>();
    Spend total = Spend.ZERO;
    int feedback = 0;
    for (Delegation d : delegations) {
      String profile = d.profile() == null ? RunStats.UNATTRIBUTED : d.profile();
      statuses.merge(d.status() == null ? "unknown" : d.status(), 1, Integer::sum);
      profiles.merge(profile, 1, Integer::sum);
      if (d.errorKind() != null) {
        errors.merge(d.errorKind(), 1, Integer::sum);
      }
      feedback += d.feedback();
      for (LedgerEntry e : d.ledger() == null ? List.<LedgerEntry>of() : d.ledger()) {
        if (e instanceof LedgerEntry.Metered m) {
          byModel.merge(
              m.model() == null ? RunStats.UNATTRIBUTED : m.model(), m.spend(), Spend::plus);
          byProfile.merge(profile, m.spend(), Spend::plus);
          total = total.plus(m.spend());
        }
      }
    }
    return new DelegationStats(
        delegations.size(), statuses, profiles, errors, byModel, byProfile, feedback, total);
  }
}
