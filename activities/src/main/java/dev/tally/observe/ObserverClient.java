package dev.tally.observe;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI, the MCP server and the worker's HTTP port read from the observer: its queries, its
 * {@code digest} update and its log. Queries and the update need a worker on the observer's task
 * queue to answer.
 */
public final class ObserverClient {
  private final WorkflowClient client;

  public ObserverClient(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** The aggregates and bookkeeping, or empty when no run has closed in this namespace yet. */
  public Optional<ObserverStats> stats() {
    try {
      return Optional.of(stub().stats());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The digests kept, newest first; none when there is no observer. */
  public List<Digest> digests() {
    try {
      return stub().digests();
    } catch (WorkflowNotFoundException e) {
      return List.of();
    }
  }

  /** The playbook, or empty when there is no observer. */
  public Optional<Playbook> playbook() {
    try {
      return Optional.of(stub().playbook());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes a digest now and returns it.
   *
   * @throws IllegalStateException when there is no observer yet (no run has closed)
   */
  public Digest digestNow(boolean diagnose) {
    try {
      return stub().digest(new DigestRequest(diagnose));
    } catch (WorkflowNotFoundException e) {
      throw new IllegalStateException(
          "no observer in namespace "
              + client.getOptions().getNamespace()
              + " yet: it starts when the first run or delegation closes",
          e);
    }
  }

  /** The raw log since {@code sinceMs}, oldest first. */
  public ObserverLog.Read log(long sinceMs) {
    return new ObserverLog(client).since(sinceMs);
  }

  private ObserverWorkflow stub() {
    return client.newWorkflowStub(ObserverWorkflow.class, ObserverWorkflow.WORKFLOW_ID);
  }
}
