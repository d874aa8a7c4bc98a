package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.visibility.TallySearchKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
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
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code tally history}: supervised runs and delegations, newest first.
 *
 * <p>A real server answers a visibility query ({@link VisibilityQuery}) that filters by Tally's
 * search attributes ({@code TallyStatus}, {@code TallyProfile}, {@code TallyNamespace}, {@code
 * TallySpentUsd}) on the server. A namespace without them refuses such a query; then the command
 * lists every run and filters itself. The embedded test server does not implement {@code
 * ListWorkflowExecutions} (UNIMPLEMENTED), so on that answer the command falls back to the legacy
 * {@code ListOpenWorkflowExecutions} and {@code ListClosedWorkflowExecutions} RPCs, which it does
 * implement, and filters by type itself.
 */
@Command(
    name = "history",
    description = {"List supervised runs, newest first (open and closed)."})
final class HistoryCommand extends TallyCommand {
  /** Rows fetched per page from the server. */
  static final int PAGE_SIZE = 100;

  /** At most this many executions are read from each list before sorting. */
  static final int SCAN_CAP = 2000;

  static final String VISIBILITY_QUERY = VisibilityQuery.all();

  /** The most rows one invocation shows. */
  static final int LIMIT_CAP = 500;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "How many to show, newest first (default: ${DEFAULT-VALUE}, at most 500).")
  int limit;

  @Option(
      names = "--kind",
      paramLabel = "run|delegation",
      description = "Only supervised runs or only delegations (default: both).")
  String kind;

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      description = "Only this profile: run, or a delegation's (coder, researcher, ui-auditor).")
  String profile;

  @Option(
      names = "--ns",
      paramLabel = "NS",
      description = "Only delegations in this delegation namespace.")
  String delegationNamespace;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description =
          "Only this status: Tally's (winner, failed, cancelled, budget-exhausted, ...) or"
              + " Temporal's (running, completed, canceled, ...).")
  String status;

  @Option(
      names = "--min-usd",
      paramLabel = "USD",
      description = "Only those that spent at least this many dollars (TallySpentUsd).")
  java.math.BigDecimal minUsd;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Only those started within this long (e.g. 24h).")
  java.time.Duration since;

  @Override
  public Integer call() {
    if (limit < 1 || limit > LIMIT_CAP) {
      throw new ParameterException(
          spec.commandLine(), "--limit: expected 1.." + LIMIT_CAP + ", got " + limit);
    }
    if (kind != null && !kind.equals("run") && !kind.equals("delegation")) {
      throw new ParameterException(
          spec.commandLine(), "--kind: expected run or delegation, got '" + kind + "'");
    }
    if (minUsd != null && minUsd.signum() < 0) {
      throw new ParameterException(
          spec.commandLine(), "--min-usd: expected a number >= 0, got " + minUsd);
    }
    try (TemporalSession session = root.connect()) {
      List<WorkflowExecutionInfo> runs = newestFirst(session, filterQuery(), this::matches);
      List<WorkflowExecutionInfo> shown = new ArrayList<>();
      for (WorkflowExecutionInfo i : runs.subList(0, Math.min(limit, runs.size()))) {
        shown.add(withCloseTime(session, i));
      }
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WorkflowExecutionInfo i : shown) {
          Map<String, Object> row = StatusCommand.Views.execution(i);
          if (kindOf(i).equals("delegation")) {
            row.put("delegation", DelegationRows.summary(delegationState(session, i)));
          }
          rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("runs", rows);
        doc.put("total", runs.size());
        printJson(doc);
      } else if (shown.isEmpty()) {
        println("no matching runs or delegations in namespace " + session.namespace());
      } else {
        TextTable t =
            new TextTable(
                "WORKFLOW ID",
                "KIND",
                "STATUS",
                "OUTCOME",
                "STARTED",
                "CLOSED",
                "COST",
                "FEEDBACK");
        for (WorkflowExecutionInfo i : shown) {
          String outcome = SearchAttributeValues.text(i, TallySearchKeys.STATUS.getName());
          String cost = "";
          String feedback = "";
          if (kindOf(i).equals("delegation")) {
            // A delegation that failed still completes as a workflow: its own status says so.
            DelegationStatus d = delegationState(session, i);
            outcome = d.status();
            cost = DelegationRows.cost(d);
            feedback = Integer.toString(d.feedback() == null ? 0 : d.feedback().size());
          }
          t.row(
              i.getExecution().getWorkflowId(),
              kindOf(i) + (memo(i, "profile") == null ? "" : " " + memo(i, "profile")),
              TemporalSession.statusName(i.getStatus()),
              outcome == null ? "" : outcome,
              Times.iso(i.getStartTime()),
              i.hasCloseTime() ? Times.iso(i.getCloseTime()) : "",
              cost,
              feedback);
        }
        printLines(t.lines());
        if (runs.size() > shown.size()) {
          println("(" + shown.size() + " of " + runs.size() + "; --limit shows more)");
        }
      }
      return ExitCode.OK;
    }
  }

  private static DelegationStatus delegationState(
      TemporalSession session, WorkflowExecutionInfo i) {
    return DelegationRows.state(session, i.getExecution().getWorkflowId());
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

  /** This invocation's filters as a visibility query, for the server to apply. */
  private String filterQuery() {
    java.time.Instant after = since == null ? null : java.time.Instant.now().minus(since);
    return VisibilityQuery.of(kind, profile, delegationNamespace, status, after, minUsd);
  }

  /**
   * The runs and delegations {@code query} narrows to that {@code keep} keeps, newest first. The
   * embedded server's legacy list leaves memos out, and a delegation's profile and namespace live
   * there, so those few are described first.
   */
  static List<WorkflowExecutionInfo> newestFirst(
      TemporalSession session, String query, Predicate<WorkflowExecutionInfo> keep) {
    List<WorkflowExecutionInfo> runs = new ArrayList<>(list(session, query));
    runs.replaceAll(
        i ->
            kindOf(i).equals("delegation") && i.getMemo().getFieldsCount() == 0
                ? session.describe(i.getExecution().getWorkflowId())
                : i);
    runs.removeIf(keep.negate());
    runs.sort(
        Comparator.comparing((WorkflowExecutionInfo i) -> Times.instant(i.getStartTime()))
            .reversed());
    return runs;
  }

  /** Every supervised run and delegation (at most {@link #SCAN_CAP} from each list). */
  static List<WorkflowExecutionInfo> list(TemporalSession session) {
    return list(session, VISIBILITY_QUERY);
  }

  /**
   * Runs and delegations, narrowed by {@code query} where the server can; the caller still filters
   * what comes back, since the fallbacks return everything.
   */
  static List<WorkflowExecutionInfo> list(TemporalSession session, String query) {
    WorkflowServiceBlockingStub stub = session.connection().stubs().blockingStub();
    try {
      return visibility(stub, session.namespace(), query);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return legacy(stub, session.namespace());
      }
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && VisibilityQuery.usesTallyAttributes(query)) {
        // The namespace lacks Tally's attributes: list everything and filter here.
        return visibility(stub, session.namespace(), VISIBILITY_QUERY);
      }
      throw e;
    }
  }

  private static List<WorkflowExecutionInfo> visibility(
      WorkflowServiceBlockingStub stub, String namespace, String query) {
    List<WorkflowExecutionInfo> out = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          stub.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setPageSize(PAGE_SIZE)
                  .setQuery(query)
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
    String type = i.getType().getName();
    return SupervisedRunWorkflow.TYPE.equals(type) || DelegationWorkflow.TYPE.equals(type);
  }

  static String kindOf(WorkflowExecutionInfo i) {
    return DelegationWorkflow.TYPE.equals(i.getType().getName()) ? "delegation" : "run";
  }

  private boolean matches(WorkflowExecutionInfo i) {
    if (kind != null && !kind.equals(kindOf(i))) {
      return false;
    }
    if (status == null
        && i.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
      // A continue-as-new chain is one run: its current run stands for it.
      return false;
    }
    if (profile != null && !profile.equals(profileOf(i))) {
      return false;
    }
    if (delegationNamespace != null && !delegationNamespace.equals(namespaceOf(i))) {
      return false;
    }
    if (status != null && !VisibilityQuery.statusMatches(status, i)) {
      return false;
    }
    if (minUsd != null) {
      Double usd = SearchAttributeValues.number(i, TallySearchKeys.SPENT_USD.getName());
      if (usd == null || java.math.BigDecimal.valueOf(usd).compareTo(minUsd) < 0) {
        return false;
      }
    }
    return since == null
        || !Times.instant(i.getStartTime()).isBefore(java.time.Instant.now().minus(since));
  }

  /** A run's profile ({@code run}) or a delegation's, from its attributes or its memo. */
  static String profileOf(WorkflowExecutionInfo i) {
    String attribute = SearchAttributeValues.text(i, TallySearchKeys.PROFILE.getName());
    if (attribute != null) {
      return attribute;
    }
    return "run".equals(kindOf(i)) ? "run" : memo(i, "profile");
  }

  /** A delegation's namespace, from its attributes or its memo. */
  static String namespaceOf(WorkflowExecutionInfo i) {
    String attribute = SearchAttributeValues.text(i, TallySearchKeys.NAMESPACE.getName());
    return attribute != null ? attribute : memo(i, "namespace");
  }

  /** A string memo field (delegations keep their profile and namespace there), or null. */
  private static String memo(WorkflowExecutionInfo i, String key) {
    JsonNode value = SearchAttributeValues.json(i.getMemo().getFieldsMap().get(key));
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
