package dev.tally.observe;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the raw ops log back out of the observer's histories: every {@code op} signal of every run
 * in its continue-as-new chain, oldest first, each op once. The log lives as long as the namespace
 * keeps the observer's closed runs (its retention period); {@link Read#complete} says whether the
 * chain was read to its start.
 */
public final class ObserverLog {
  private final WorkflowClient client;

  public ObserverLog(WorkflowClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * What was read.
   *
   * @param ops the ops, oldest first, each once
   * @param runs observer runs read
   * @param complete false when an older run had left the namespace's retention before the cutoff
   */
  public record Read(List<Op> ops, int runs, boolean complete) {}

  /** Every op that closed at or after {@code sinceMs}; an empty read when there is no observer. */
  public Read since(long sinceMs) {
    Deque<List<Op>> oldestFirst = new ArrayDeque<>();
    String runId = null;
    boolean complete = true;
    int runs = 0;
    DataConverter converter = client.getOptions().getDataConverter();
    while (true) {
      WorkflowExecutionHistory history;
      try {
        history =
            runId == null
                ? client.fetchHistory(ObserverWorkflow.WORKFLOW_ID)
                : client.fetchHistory(ObserverWorkflow.WORKFLOW_ID, runId);
      } catch (RuntimeException e) {
        if (runId == null && notFound(e)) {
          return new Read(List.of(), 0, true);
        }
        if (notFound(e)) {
          complete = false;
          break;
        }
        throw e;
      }
      runs++;
      List<Op> ops = new ArrayList<>();
      String previous = null;
      long startedAtMs = 0;
      for (HistoryEvent event : history.getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
          previous =
              event.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
          startedAtMs =
              event.getEventTime().getSeconds() * 1000
                  + event.getEventTime().getNanos() / 1_000_000;
        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            && ObserverWorkflow.OP_SIGNAL.equals(
                event.getWorkflowExecutionSignaledEventAttributes().getSignalName())) {
          Op op =
              converter.fromPayloads(
                  0,
                  Optional.of(event.getWorkflowExecutionSignaledEventAttributes().getInput()),
                  Op.class,
                  Op.class);
          if (op != null && op.problems().isEmpty()) {
            ops.add(op);
          }
        }
      }
      oldestFirst.addFirst(ops);
      if (previous == null || previous.isEmpty() || startedAtMs < sinceMs) {
        break;
      }
      runId = previous;
    }
    Set<String> seen = new LinkedHashSet<>();
    List<Op> out = new ArrayList<>();
    for (List<Op> run : oldestFirst) {
      for (Op op : run) {
        if (seen.add(op.opId()) && op.closedAtMs() >= sinceMs) {
          out.add(op);
        }
      }
    }
    return new Read(out, runs, complete);
  }

  private static boolean notFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException s
          && s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return true;
      }
      if (t instanceof io.temporal.client.WorkflowNotFoundException) {
        return true;
      }
    }
    return false;
  }
}
