package dev.tally.cli;

import com.google.protobuf.ByteString;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code tally history}: supervised runs, newest first.
 *
 * <p>A real server answers the visibility query {@code WorkflowType = 'SupervisedRun'}. The
 * embedded test server does not implement {@code ListWorkflowExecutions} (UNIMPLEMENTED), so on
 * that answer the command falls back to the legacy {@code ListOpenWorkflowExecutions} and {@code
 * ListClosedWorkflowExecutions} RPCs, which it does implement, and filters by type itself.
 */
@Command(
    name = "history",
    description = {"List supervised runs, newest first (open and closed)."})
final class HistoryCommand extends TallyCommand {
  /** Rows fetched per page from the server. */
  static final int PAGE_SIZE = 100;

  /** At most this many executions are read from each list before sorting. */
  static final int SCAN_CAP = 2000;

  static final String VISIBILITY_QUERY = "WorkflowType = '" + SupervisedRunWorkflow.TYPE + "'";

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many runs to show (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit: expected >= 1, got " + limit);
    }
    try (TemporalSession session = root.connect()) {
      List<WorkflowExecutionInfo> runs = list(session);
      runs.sort(
          Comparator.comparing((WorkflowExecutionInfo i) -> Times.instant(i.getStartTime()))
              .reversed());
      List<WorkflowExecutionInfo> shown = new ArrayList<>();
      for (WorkflowExecutionInfo i : runs.subList(0, Math.min(limit, runs.size()))) {
        shown.add(withCloseTime(session, i));
      }
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WorkflowExecutionInfo i : shown) {
          rows.add(StatusCommand.Views.execution(i));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("runs", rows);
        doc.put("total", runs.size());
        printJson(doc);
      } else if (shown.isEmpty()) {
        println("no supervised runs in namespace " + session.namespace() + " yet");
      } else {
        TextTable t = new TextTable("WORKFLOW ID", "STATUS", "STARTED", "CLOSED");
        for (WorkflowExecutionInfo i : shown) {
          t.row(
              i.getExecution().getWorkflowId(),
              TemporalSession.statusName(i.getStatus()),
              Times.iso(i.getStartTime()),
              i.hasCloseTime() ? Times.iso(i.getCloseTime()) : "");
        }
        printLines(t.lines());
        if (runs.size() > shown.size()) {
          println("(" + shown.size() + " of " + runs.size() + "; --limit shows more)");
        }
      }
      return ExitCode.OK;
    }
  }

  /**
   * The embedded server's legacy list leaves out a closed run's close time; describe has it. A real
   * server's list already carries it, so this costs nothing there.
   */
  private static WorkflowExecutionInfo withCloseTime(
      TemporalSession session, WorkflowExecutionInfo info) {
    if (info.hasCloseTime() || TemporalSession.running(info)) {
      return info;
    }
    return session.describe(info.getExecution().getWorkflowId());
  }

  static List<WorkflowExecutionInfo> list(TemporalSession session) {
    WorkflowServiceBlockingStub stub = session.connection().stubs().blockingStub();
    try {
      return visibility(stub, session.namespace());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      return legacy(stub, session.namespace());
    }
  }

  private static List<WorkflowExecutionInfo> visibility(
      WorkflowServiceBlockingStub stub, String namespace) {
    List<WorkflowExecutionInfo> out = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          stub.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setPageSize(PAGE_SIZE)
                  .setQuery(VISIBILITY_QUERY)
                  .setNextPageToken(token)
                  .build());
      out.addAll(page.getExecutionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty() && out.size() < SCAN_CAP);
    return out;
  }

  private static List<WorkflowExecutionInfo> legacy(
      WorkflowServiceBlockingStub stub, String namespace) {
    List<WorkflowExecutionInfo> out = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    int seen = 0;
    do {
      ListOpenWorkflowExecutionsResponse page =
          stub.listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      seen += page.getExecutionsCount();
      page.getExecutionsList().stream().filter(HistoryCommand::isRun).forEach(out::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty() && seen < SCAN_CAP);
    token = ByteString.EMPTY;
    seen = 0;
    do {
      ListClosedWorkflowExecutionsResponse page =
          stub.listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      seen += page.getExecutionsCount();
      page.getExecutionsList().stream().filter(HistoryCommand::isRun).forEach(out::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty() && seen < SCAN_CAP);
    return out;
  }

  private static boolean isRun(WorkflowExecutionInfo i) {
    return SupervisedRunWorkflow.TYPE.equals(i.getType().getName());
  }
}
