package dev.tally.supervise;

import dev.tally.ledger.Ticket;

/** One spawned worker as its driver tracks it. Mutable workflow state, touched only by the crew. */
final class WorkerSlot {
  static final String LIVE = "live";

  final String id;
  final String profile;
  final String label;
  final Ticket ticket;
  final WorkerTaskWorkflow stub;
  final long startedAtMs;
  long endedAtMs;
  String status = LIVE;
  String cancelReason;
  WorkerOutcome outcome;
  String reason;

  WorkerSlot(
      String id,
      String profile,
      String label,
      Ticket ticket,
      WorkerTaskWorkflow stub,
      long startedAtMs) {
    this.id = id;
    this.startedAtMs = startedAtMs;
    this.profile = profile;
    this.label = label;
    this.ticket = ticket;
    this.stub = stub;
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
