package dev.tally.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The worker's start-up check of its Temporal frontend: one bounded call to learn whether anything
 * answers at {@code TEMPORAL_ADDRESS}, whether it speaks Temporal's gRPC, and whether the namespace
 * exists. Without it the SDK's pollers retry an unusable address forever, logging stack traces.
 */
final class TemporalProbe {
  /** How long the frontend has to answer. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private TemporalProbe() {}

  /**
   * Why the frontend of {@code connection} cannot be used.
   *
   * @throws StartupFailure exit {@link WorkerMain#EXIT_TEMPORAL_UNUSABLE} when nothing (or not
   *     Temporal) answers, exit {@link WorkerMain#EXIT_BAD_CONFIG} when the namespace is missing
   */
  static void check(TemporalConnection connection, Duration timeout) {
    String address = connection.address();
    try {
      connection
          .stubs()
          .blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw new StartupFailure(
            WorkerMain.EXIT_TEMPORAL_UNUSABLE,
            "cannot reach Temporal at "
                + address
                + " ("
                + describe(e.getStatus())
                + "): start one (`tally server`, `temporal server start-dev`) or set "
                + WorkerConfig.TEMPORAL_ADDRESS);
      }
      throw new StartupFailure(
          WorkerMain.EXIT_TEMPORAL_UNUSABLE,
          "cannot reach Temporal at "
              + address
              + ": something answers there, but not as a Temporal frontend ("
              + code
              + " "
              + describe(e.getStatus())
              + "); set "
              + WorkerConfig.TEMPORAL_ADDRESS
              + " to Temporal's gRPC port (7233 by default)");
    }
    try {
      connection
          .stubs()
          .blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(
              DescribeNamespaceRequest.newBuilder().setNamespace(connection.namespace()).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new StartupFailure(
            WorkerMain.EXIT_BAD_CONFIG,
            WorkerConfig.TEMPORAL_NAMESPACE
                + ": expected a namespace that exists at "
                + address
                + ", got '"
                + connection.namespace()
                + "' (create it with `temporal operator namespace create "
                + connection.namespace()
                + "`)");
      }
      // Some servers (the SDK's test server) do not serve DescribeNamespace; GetSystemInfo
      // already showed a Temporal frontend, so polling will tell the rest.
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw new StartupFailure(
            WorkerMain.EXIT_TEMPORAL_UNUSABLE,
            "Temporal at "
                + address
                + " refused to describe namespace '"
                + connection.namespace()
                + "': "
                + e.getStatus().getCode()
                + " "
                + describe(e.getStatus()));
      }
    }
  }

  private static String describe(Status status) {
    String d = status.getDescription();
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      String cause = status.getCause().getMessage();
      d = d == null || d.equals("io exception") ? cause : d + ": " + cause;
    }
    return d == null ? status.getCode().name() : d.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
