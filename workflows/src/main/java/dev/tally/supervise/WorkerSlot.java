package dev.tally.supervise;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.ledger.Ticket;

/** One spawned worker as its driver tracks it. Mutable run state, touched only by the crew. */
final class WorkerSlot {
  static final String LIVE = "live";

  final String id;
  final String profile;
  final String label;
  final Ticket ticket;
  final long startedAtMs;
  long endedAtMs;
  String status = LIVE;
  String cancelReason;
  WorkerOutcome outcome;
  String reason;

  /** What a live worker has reported spending so far, if it reports (a nested driver). */
  WorkerProgress progress;

  WorkerSlot(String id, String profile, String label, Ticket ticket, long startedAtMs) {
    this.id = id;
    this.startedAtMs = startedAtMs;
    this.profile = profile;
    this.label = label;
    this.ticket = ticket;
  }

  /** A worker as a continued run carries it: live, or delivered and so a candidate to win. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Carried(
      String id,
      String profile,
      String label,
      Ticket ticket,
      long startedAtMs,
      long endedAtMs,
      String status,
      String cancelReason,
      WorkerOutcome outcome,
      String reason,
      WorkerProgress progress) {}

  Carried carried() {
    return new Carried(
        id,
        profile,
        label,
        ticket,
        startedAtMs,
        endedAtMs,
        status,
        cancelReason,
        outcome,
        reason,
        progress);
  }

  static WorkerSlot of(Carried c) {
    WorkerSlot s = new WorkerSlot(c.id(), c.profile(), c.label(), c.ticket(), c.startedAtMs());
    s.endedAtMs = c.endedAtMs();
    s.status = c.status();
    s.cancelReason = c.cancelReason();
    s.outcome = c.outcome();
    s.reason = c.reason();
    s.progress = c.progress();
    return s;
  }

  boolean live() {
    return LIVE.equals(status);
  }

  boolean delivered() {
    return WorkerOutcome.DONE.equals(status)
        && outcome != null
        && outcome.verdict() != null
        && outcome.verdict().valid()
        && outcome.output() != null;
  }
}
