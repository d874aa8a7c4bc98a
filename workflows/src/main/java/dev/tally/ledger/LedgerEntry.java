package dev.tally.ledger;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One line of the cost ledger. The {@code kind} field names the type on the wire; {@code seq} is
 * deterministic per kind family, never clock based, so {@code <runId>/<kind>/<seq>} identifies an
 * entry across retries and replays.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = LedgerEntry.Spawned.class, name = "spawned"),
  @JsonSubTypes.Type(value = LedgerEntry.Settled.class, name = "settled"),
  @JsonSubTypes.Type(value = LedgerEntry.Metered.class, name = "metered"),
  @JsonSubTypes.Type(value = LedgerEntry.Cancelled.class, name = "cancelled"),
  @JsonSubTypes.Type(value = LedgerEntry.Carried.class, name = "carried"),
  @JsonSubTypes.Type(value = LedgerEntry.Raised.class, name = "raised")
})
public sealed interface LedgerEntry {

  /** The node this entry is about. */
  String id();

  long seq();

  /** The wire name of this entry's kind. */
  String kind();

  /** The idempotency key of this entry within a run. */
  default String key(String runId) {
    return runId + "/" + kind() + "/" + seq();
  }

  /** A worker was admitted: its whole budget is now reserved. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Spawned(String id, String parent, String label, String profile, Budget budget, long seq)
      implements LedgerEntry {
    @Override
    public String kind() {
      return "spawned";
    }
  }

  /** A worker ended on its own; its reservation settled with what it spent. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Settled(
      String id,
      String status,
      String outRef,
      Verdict verdict,
      Spend spent,
      String reason,
      Boolean infra,
      BudgetViolation budgetViolation,
      long seq,
      String model)
      implements LedgerEntry {
    public static final String DONE = "done";
    public static final String DOWN = "down";

    /** A settlement that names no model (crashed workers, older histories). */
    public Settled(
        String id,
        String status,
        String outRef,
        Verdict verdict,
        Spend spent,
        String reason,
        Boolean infra,
        BudgetViolation budgetViolation,
        long seq) {
      this(id, status, outRef, verdict, spent, reason, infra, budgetViolation, seq, null);
    }

    @Override
    public String kind() {
      return "settled";
    }
  }

  /** Inference paid directly from the pool: a driver turn, or a sub-driver's re-homed total. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Metered(String id, Spend spend, String model, int turn, long seq) implements LedgerEntry {
    @Override
    public String kind() {
      return "metered";
    }
  }

  /** A worker was cancelled; its reservation settled with what it had spent. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Cancelled(String id, String reason, Spend spent, long seq) implements LedgerEntry {
    @Override
    public String kind() {
      return "cancelled";
    }
  }

  /**
   * The first entry of a run that continued-as-new: the whole run's totals up to here, so this
   * run's history read alone still rebuilds the totals, and the previous run to walk back to.
   *
   * @param fromRunId the Temporal run id of the run this one continued from
   * @param seq 1 for the first continuation of a workflow, counting up along the chain
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Carried(String id, String fromRunId, LedgerTotals totals, long seq)
      implements LedgerEntry {
    @Override
    public String kind() {
      return "carried";
    }
  }

  /**
   * The root's ceilings were raised ({@code raiseBudget}): {@code budget} is the whole new root
   * budget, every channel at or above what it was.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Raised(String id, Budget budget, long seq) implements LedgerEntry {
    @Override
    public String kind() {
      return "raised";
    }
  }
}
