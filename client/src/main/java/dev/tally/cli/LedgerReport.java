package dev.tally.cli;

import dev.tally.export.RunChain;
import dev.tally.ledger.LedgerEntry;
import dev.tally.supervise.LedgerView;
import dev.tally.supervise.RunResult;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.time.Duration;
import java.util.List;

/**
 * Reads a run's ledger the way anyone holding its history could, then checks it against the run:
 * the {@code ledger} query and, once the run has ended, its {@code spentTotal}.
 */
final class LedgerReport {
  /** How often to re-read a running run whose history and query were taken at different times. */
  static final int OPEN_RUN_ATTEMPTS = 3;

  private LedgerReport() {}

  static LedgerCheck check(TemporalSession session, String workflowId) {
    WorkflowExecutionInfo info = session.describe(workflowId);
    boolean open = TemporalSession.running(info);
    RunResult result = null;
    if (!open) {
      result = session.ending(workflowId, Duration.ofSeconds(10)).result();
    }
    LedgerCheck check = null;
    for (int attempt = 1; attempt <= (open ? OPEN_RUN_ATTEMPTS : 1); attempt++) {
      // Every run of a continue-as-new chain: the query only knows the latest run's entries.
      RunChain chain = session.chain(workflowId);
      List<LedgerEntry> rebuilt = chain.ledger();
      TemporalSession.Answer<LedgerView> query =
          session.query(workflowId, "ledger", LedgerView.class);
      check =
          LedgerCheck.of(rebuilt, query, result)
              .withRuns(chain.runs().size())
              .withUnmatched(chain.gaps().describe());
      // A running run may write entries between the two reads: read both again before judging.
      if (check.ok() || !TemporalSession.running(session.describe(workflowId))) {
        break;
      }
    }
    return check;
  }

  /** The ledger entries of {@code workflowId}'s whole chain of runs. */
  static List<LedgerEntry> rebuild(TemporalSession session, String workflowId) {
    return session.chain(workflowId).ledger();
  }

  /** The ledger of a nested driver's node, or nothing when its history cannot be read. */
  static List<LedgerEntry> nested(TemporalSession session, String nodeId) {
    try {
      return rebuild(session, nodeId);
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}
