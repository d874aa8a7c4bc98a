package dev.tally.cli;

import dev.tally.ledger.Budget;
import dev.tally.ledger.PoolReadout;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a run the {@code raiseBudget} update (SPEC §8) and says plainly how it went: the new pool,
 * a refusal by the run's validator in its own words (it names the field, the current ceiling and
 * the spend), a run that already ended, or no worker to take the update. Shared by {@code tally
 * raise} and the MCP tool {@code run_raise_budget}, so both say the same.
 */
final class RaiseUpdate {
  /** The update's name on {@code SupervisedRun}. */
  static final String UPDATE = "raiseBudget";

  /** How long a worker may take to accept and apply the update before the CLI gives up waiting. */
  static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(30);

  private RaiseUpdate() {}

  /** The run refused the raise: the validator's message, which names the field. */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  /** The run has ended: a closed run's ceilings cannot change. */
  static final class Closed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Closed(String message) {
      super(message);
    }
  }

  /**
   * Sends {@code raise} to run {@code workflowId} and returns the pool after it.
   *
   * @throws Rejected when the run's validator refuses it
   * @throws Closed when the run has already ended
   * @throws CliException exit 3 when there is no such run, exit 1 when it is not a supervised run
   *     or no worker applied the update in time
   */
  static PoolReadout send(TemporalSession session, String workflowId, Budget raise) {
    WorkflowExecutionInfo info = session.describe(workflowId);
    if (!SupervisedRunWorkflow.TYPE.equals(info.getType().getName())) {
      throw new CliException(
          ExitCode.FAILED,
          "'"
              + workflowId
              + "' is a "
              + info.getType().getName()
              + ", not a supervised run: only a SupervisedRun has a budget to raise");
    }
    if (!TemporalSession.running(info)) {
      throw closed(workflowId, TemporalSession.statusName(info.getStatus()));
    }
    CompletableFuture<PoolReadout> update =
        CompletableFuture.supplyAsync(
            () ->
                session
                    .client()
                    .newUntypedWorkflowStub(workflowId)
                    .update(UPDATE, PoolReadout.class, raise));
    try {
      return update.get(UPDATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      update.cancel(true);
      throw new CliException(
          ExitCode.FAILED,
          "no worker applied the raiseBudget update to run '"
              + workflowId
              + "' within "
              + UPDATE_TIMEOUT.toSeconds()
              + " s: is a Tally worker polling task queue '"
              + session.taskQueue()
              + "'? See `tally status "
              + workflowId
              + "` before raising again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.FAILED, "interrupted while raising run '" + workflowId + "'");
    } catch (ExecutionException e) {
      throw translate(workflowId, e.getCause() == null ? e : e.getCause());
    }
  }

  private static RuntimeException translate(String workflowId, Throwable cause) {
    if (cause instanceof WorkflowUpdateException u) {
      Throwable why = u.getCause();
      if (why instanceof ApplicationFailure app) {
        return new Rejected(app.getOriginalMessage());
      }
      return new Rejected(why == null ? u.getMessage() : why.getMessage());
    }
    if (cause instanceof WorkflowNotFoundException) {
      // Described as running a moment ago: it closed in between.
      return closed(workflowId, "closed");
    }
    if (cause instanceof RuntimeException r) {
      return r;
    }
    return new IllegalStateException(cause);
  }

  private static Closed closed(String workflowId, String status) {
    return new Closed(
        "raiseBudget: run '"
            + workflowId
            + "' already ended ("
            + status
            + "): a closed run's budget cannot be raised; start a new run with a larger budget");
  }

  /** The pool after a raise, one line per channel, for people. */
  static List<String> readoutLines(PoolReadout p) {
    List<String> out = new ArrayList<>();
    out.add(
        "  tokens left:     "
            + Money.count(p.tokensLeft())
            + (p.tokensKnown() ? "" : " (a floor: some usage unknown)"));
    out.add(
        "  dollars left:    "
            + (p.usdCapped() ? Money.usd(p.usdLeft()) : "uncapped")
            + (p.usdKnown() ? "" : " (some prices unknown)"));
    out.add("  iterations left: " + p.iterationsLeft());
    out.add(
        "  reserved:        "
            + Money.count(p.reservedTokens())
            + " tokens in "
            + p.openReservations()
            + " open reservation(s)");
    if (p.deadlineAtMs() != null) {
      out.add("  deadline:        " + Instant.ofEpochMilli(p.deadlineAtMs()));
    }
    if (p.committed() != null) {
      out.add("  spent so far:    " + RunView.spendLine(p.committed()));
    }
    return out;
  }
}
