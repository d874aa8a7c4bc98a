package dev.tally.cli;

import dev.tally.worker.ConfigException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;

/**
 * An exception turned into what the user sees: one line and an exit code. Stack traces are only for
 * {@code --verbose}.
 *
 * @param exitCode see {@link ExitCode}
 * @param message what went wrong, where, and what to do
 */
record Failure(int exitCode, String message) {

  static Failure classify(Throwable t, TallyCli root) {
    if (t instanceof CliException e) {
      return new Failure(e.exitCode(), e.getMessage());
    }
    if (t instanceof ConfigException e) {
      return new Failure(ExitCode.USAGE, e.getMessage());
    }
    if (t instanceof WorkflowNotFoundException e) {
      String id = e.getExecution() == null ? "?" : e.getExecution().getWorkflowId();
      return notFound(id, root);
    }
    StatusRuntimeException grpc = grpcCause(t);
    if (grpc != null) {
      return fromStatus(grpc.getStatus(), root.address(), root.namespace());
    }
    return new Failure(
        ExitCode.FAILED,
        "unexpected error: "
            + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()))
            + " (rerun with --verbose for the stack trace)");
  }

  static Failure fromStatus(Status status, String address, String namespace) {
    String detail = describe(status);
    return switch (status.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> unreachable(address, detail);
      case NOT_FOUND ->
          new Failure(
              ExitCode.NOT_FOUND,
              "not found at "
                  + address
                  + " (namespace "
                  + namespace
                  + "): "
                  + detail
                  + "; list runs with `tally history`");
      default ->
          new Failure(
              ExitCode.FAILED,
              "Temporal at "
                  + address
                  + " refused the request: "
                  + status.getCode()
                  + (detail.isEmpty() ? "" : " " + detail));
    };
  }

  static Failure unreachable(String address, String detail) {
    return new Failure(
        ExitCode.UNREACHABLE,
        "cannot reach Temporal at "
            + address
            + (detail.isEmpty() ? "" : " (" + detail + ")")
            + ": start one with `tally server` or `tally dev`, or point --address /"
            + " TEMPORAL_ADDRESS at yours");
  }

  /** Something answered at {@code address}, but not as a Temporal frontend. */
  static Failure notTemporal(String address, Status status) {
    return new Failure(
        ExitCode.UNREACHABLE,
        "cannot reach Temporal at "
            + address
            + ": something answers there, but not as a Temporal frontend ("
            + status.getCode()
            + " "
            + describe(status)
            + "); point --address / TEMPORAL_ADDRESS at Temporal's gRPC port (7233 by default)");
  }

  static Failure notFound(String workflowId, TallyCli root) {
    return new Failure(
        ExitCode.NOT_FOUND,
        "no run '"
            + workflowId
            + "' in namespace "
            + root.namespace()
            + " at "
            + root.address()
            + ": list runs with `tally history`");
  }

  static StatusRuntimeException grpcCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static String describe(Status status) {
    String d = status.getDescription();
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      String cause = status.getCause().getMessage();
      d = d == null || d.equals("io exception") ? cause : d + ": " + cause;
    }
    return d == null ? status.getCode().name() : oneLine(d);
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
