package dev.tally.export;

import io.temporal.client.WorkflowClient;
import java.util.Objects;

/** Where the histories of a workflow's runs are read from: a Temporal client, or saved files. */
@FunctionalInterface
public interface HistorySource {
  /**
   * One run's history as Temporal's JSON.
   *
   * @param workflowId the workflow id
   * @param runId the run, or null for the latest run of {@code workflowId}
   */
  String historyJson(String workflowId, String runId);

  /**
   * Histories fetched from Temporal through {@code client} ({@code GetWorkflowExecutionHistory}).
   */
  static HistorySource of(WorkflowClient client) {
    Objects.requireNonNull(client, "client");
    return (workflowId, runId) -> client.fetchHistory(workflowId, runId).toJson(false);
  }
}
