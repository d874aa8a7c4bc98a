package dev.tally.testing;

import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.LedgerRebuilder;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runs of a continue-as-new chain, read the way an operator would: history by history. */
public final class Chains {
  private Chains() {}

  /** The run ids of the chain that began with {@code firstRunId}, in order. */
  public static List<String> runIds(WorkflowClient client, String workflowId, String firstRunId) {
    List<String> out = new ArrayList<>();
    String runId = firstRunId;
    while (runId != null) {
      out.add(runId);
      HistoryEvent last = client.fetchHistory(workflowId, runId).getLastEvent();
      runId =
          last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return out;
  }

  /** Every run of the chain that began with {@code firstRunId}, in order. */
  public static List<WorkflowExecutionHistory> histories(
      WorkflowClient client, String workflowId, String firstRunId) {
    List<WorkflowExecutionHistory> out = new ArrayList<>();
    String runId = firstRunId;
    while (runId != null) {
      WorkflowExecutionHistory h = client.fetchHistory(workflowId, runId);
      out.add(h);
      runId = null;
      HistoryEvent last = h.getLastEvent();
      if (last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        runId = last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      }
    }
    return out;
  }

  /** Each run's ledger entries, rebuilt from its history alone. */
  public static List<List<LedgerEntry>> entriesByRun(List<WorkflowExecutionHistory> chain) {
    List<List<LedgerEntry>> out = new ArrayList<>();
    for (WorkflowExecutionHistory h : chain) {
      out.add(LedgerRebuilder.fromHistoryJson(h.toJson(false)));
    }
    return out;
  }

  /** The whole chain's entries in order, each once (keys repeat only if a batch was retried). */
  public static List<LedgerEntry> entries(
      String ledgerRunId, List<WorkflowExecutionHistory> chain) {
    Map<String, LedgerEntry> byKey = new LinkedHashMap<>();
    for (List<LedgerEntry> run : entriesByRun(chain)) {
      run.forEach(e -> byKey.putIfAbsent(e.key(ledgerRunId), e));
    }
    return new ArrayList<>(byKey.values());
  }
}
