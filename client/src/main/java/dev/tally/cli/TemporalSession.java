package dev.tally.cli;

import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One CLI invocation's connection to Temporal, with the few reads the commands share: describe,
 * bounded queries, the run's input and ending, its history.
 */
final class TemporalSession implements AutoCloseable {
  /** How long a query may wait for a worker to answer before the CLI reports it unanswered. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

  private final TemporalConnection connection;
  private final String taskQueue;

  private TemporalSession(TemporalConnection connection, String taskQueue) {
    this.connection = connection;
    this.taskQueue = taskQueue;
  }

  /**
   * Opens a connection and checks that a Temporal server answers within {@code probeTimeout}.
   *
   * @throws CliException exit 4 when nothing answers
   */
  static TemporalSession connect(
      String address, String namespace, String taskQueue, Duration probeTimeout) {
    TemporalConnection connection = TemporalConnection.open(address, namespace);
    try {
      // The SDK retries an unreachable server for a minute; one bounded probe fails fast instead.
      connection
          .stubs()
          .blockingStub()
          .withDeadlineAfter(probeTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      connection.close();
      Failure f = Failure.fromStatus(e.getStatus(), address, namespace);
      if (f.exitCode() == ExitCode.NOT_FOUND) {
        f = Failure.unreachable(address, "no Temporal frontend answered");
      } else if (f.exitCode() != ExitCode.UNREACHABLE) {
        // Something listens there but does not speak Temporal's gRPC (a web server, say).
        f = Failure.notTemporal(address, e.getStatus());
      }
      throw new CliException(f.exitCode(), f.message(), e);
    }
    return new TemporalSession(connection, taskQueue);
  }

  static TemporalSession of(TemporalConnection connection, String taskQueue) {
    return new TemporalSession(connection, taskQueue);
  }

  WorkflowClient client() {
    return connection.client();
  }

  String address() {
    return connection.address();
  }

  String namespace() {
    return connection.namespace();
  }

  String taskQueue() {
    return taskQueue;
  }

  TemporalConnection connection() {
    return connection;
  }

  /**
   * The latest execution of {@code workflowId}.
   *
   * @throws CliException exit 3 when there is none
   */
  WorkflowExecutionInfo describe(String workflowId) {
    try {
      return connection
          .stubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(namespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notFound(workflowId, e);
      }
      throw e;
    }
  }

  CliException notFound(String workflowId, Throwable cause) {
    return new CliException(
        ExitCode.NOT_FOUND,
        "no run '"
            + workflowId
            + "' in namespace "
            + namespace()
            + " at "
            + address()
            + ": check the id, or list runs with `tally history`",
        cause);
  }

  static boolean running(WorkflowExecutionInfo info) {
    return info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** {@code COMPLETED}, {@code RUNNING}, ... as the Temporal UI shows them. */
  static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  /**
   * Asks the run's worker a query, waiting at most {@link #QUERY_TIMEOUT}. Queries are answered by
   * a worker replaying the run, so with no worker polling the task queue there is no answer.
   */
  <T> Answer<T> query(String workflowId, String queryType, Class<T> type) {
    return query(workflowId, queryType, type, false);
  }

  /** Like {@link #query}, but a workflow that does not exist is no answer rather than exit 3. */
  <T> Answer<T> queryIfExists(String workflowId, String queryType, Class<T> type) {
    return query(workflowId, queryType, type, true);
  }

  private <T> Answer<T> query(
      String workflowId, String queryType, Class<T> type, boolean missingIsNone) {
    QueryWorkflowResponse response;
    try {
      response =
          connection
              .stubs()
              .blockingStub()
              .withDeadlineAfter(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace(namespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType))
                      .build());
    } catch (StatusRuntimeException e) {
      return switch (e.getStatus().getCode()) {
        case NOT_FOUND -> {
          if (missingIsNone) {
            yield Answer.none("there is no " + workflowId);
          }
          throw notFound(workflowId, e);
        }
        case DEADLINE_EXCEEDED ->
            Answer.none(
                "no worker answered the "
                    + queryType
                    + " query within "
                    + QUERY_TIMEOUT.toSeconds()
                    + " s: is a Tally worker polling task queue '"
                    + taskQueue
                    + "'?");
        case UNAVAILABLE -> throw e;
        default ->
            Answer.none("the " + queryType + " query failed: " + e.getStatus().getDescription());
      };
    }
    if (response.hasQueryRejected()) {
      return Answer.none("the " + queryType + " query was rejected");
    }
    DataConverter converter = client().getOptions().getDataConverter();
    try {
      return Answer.of(
          converter.fromPayloads(0, Optional.of(response.getQueryResult()), type, type));
    } catch (DataConverterException e) {
      return Answer.none("the " + queryType + " answer is not a " + type.getSimpleName());
    }
  }

  /**
   * Whether the namespace has every custom search attribute in {@code names}; empty when the server
   * cannot say (the Java test server does not implement {@code ListSearchAttributes}).
   */
  Optional<Boolean> knowsSearchAttributes(Collection<String> names) {
    try {
      ListSearchAttributesResponse listed =
          OperatorServiceGrpc.newBlockingStub(connection.stubs().getRawChannel())
              .withDeadlineAfter(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace()).build());
      return Optional.of(listed.getCustomAttributesMap().keySet().containsAll(names));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /** The run's input, read from its first history event; empty for another workflow type. */
  Optional<RunRequest> request(String workflowId) {
    GetWorkflowExecutionHistoryResponse page =
        connection
            .stubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(namespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .setMaximumPageSize(1)
                    .build());
    if (page.getHistory().getEventsCount() == 0) {
      return Optional.empty();
    }
    HistoryEvent first = page.getHistory().getEvents(0);
    if (!first.hasWorkflowExecutionStartedEventAttributes()
        || !SupervisedRunWorkflow.TYPE.equals(
            first.getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName())) {
      return Optional.empty();
    }
    Payloads input = first.getWorkflowExecutionStartedEventAttributes().getInput();
    try {
      DataConverter converter = client().getOptions().getDataConverter();
      return Optional.ofNullable(
          converter.fromPayloads(0, Optional.of(input), RunRequest.class, RunRequest.class));
    } catch (DataConverterException e) {
      return Optional.empty();
    }
  }

  /**
   * How a closed run ended: its {@link RunResult}, or why there is none (failed, terminated, timed
   * out). Waits for a running run to close.
   */
  Ending ending(String workflowId, Duration timeout) {
    WorkflowStub stub = client().newUntypedWorkflowStub(workflowId);
    try {
      return Ending.of(stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RunResult.class));
    } catch (TimeoutException e) {
      return Ending.failed("still running after " + timeout.toSeconds() + " s");
    } catch (WorkflowFailedException e) {
      return Ending.failed(failureText(e.getCause()));
    }
  }

  /** The full history as Temporal's JSON (the format of {@code temporal workflow show -o json}). */
  String historyJson(String workflowId) {
    return client().fetchHistory(workflowId).toJson(true);
  }

  /** Every run of the workflow's latest continue-as-new chain, first run first. */
  RunChain chain(String workflowId) {
    return RunChain.read(HistorySource.of(client()), workflowId);
  }

  void signal(String workflowId, String signal, Object argument) {
    client().newUntypedWorkflowStub(workflowId).signal(signal, argument);
  }

  static String failureText(Throwable cause) {
    if (cause instanceof ApplicationFailure app) {
      return "failed: " + app.getType() + ": " + app.getOriginalMessage();
    }
    if (cause instanceof TerminatedFailure t) {
      return "terminated" + (t.getOriginalMessage().isEmpty() ? "" : ": " + t.getOriginalMessage());
    }
    if (cause instanceof CanceledFailure) {
      return "cancelled through Temporal before it could settle";
    }
    if (cause instanceof TimeoutFailure t) {
      return "timed out (" + t.getTimeoutType() + ")";
    }
    return cause == null ? "failed" : "failed: " + cause.getMessage();
  }

  @Override
  public void close() {
    connection.close();
  }

  /** A query's answer, or why there is none. */
  record Answer<T>(T value, String unavailable) {
    static <T> Answer<T> of(T value) {
      return new Answer<>(value, null);
    }

    static <T> Answer<T> none(String why) {
      return new Answer<>(null, why);
    }

    boolean answered() {
      return value != null;
    }
  }

  /** A closed run's result, or the reason it has none. */
  record Ending(RunResult result, String failure) {
    static Ending of(RunResult result) {
      return new Ending(result, null);
    }

    static Ending failed(String why) {
      return new Ending(null, why);
    }

    boolean winner() {
      return result != null && RunResult.WINNER.equals(result.kind());
    }
  }
}
