package dev.tally.supervise;

import dev.tally.ledger.Budget;
import dev.tally.ledger.LedgerTotals;
import dev.tally.ledger.PoolReadout;
import dev.tally.observe.OpsReport;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Optional;

/** The root of a supervised run: validates the request (or takes over its chain), then drives. */
public final class SupervisedRunWorkflowImpl implements SupervisedRunWorkflow {
  private final Inbox inbox = new Inbox();
  private Supervisor supervisor;

  @Override
  public RunResult run(RunRequest request) {
    Optional<String> continuedFrom = Workflow.getInfo().getContinuedExecutionRunId();
    List<String> problems = RunRequestRules.problems(request);
    if (problems.isEmpty() && request.carried() != null && continuedFrom.isEmpty()) {
      problems =
          List.of(
              "carried: expected absent (a run sets it for itself when it continues-as-new), got"
                  + " a carried state on a first run");
    }
    if (!problems.isEmpty()) {
      RunSearchAttributes.forRefusal().refused();
      String message = "invalid RunRequest: " + String.join("; ", problems);
      OpsReport.runRefused(request, Failures.INVALID_RUN_REQUEST, message);
      throw ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_RUN_REQUEST);
    }
    String id = Workflow.getInfo().getWorkflowId();
    RunState state =
        request.carried() == null
            ? RunState.fresh(id, "run", 0, request, request.budget().usdCapped(), inbox)
            : RunState.resume(id, request, inbox, continuedFrom.get());
    supervisor = new Supervisor(state);
    RunResult result = supervisor.run();
    OpsReport.runClosed(request, result, supervisor.ledgerView().entries());
    return result;
  }

  @Override
  public void cancel(CancelRequest request) {
    inbox.cancel(request);
  }

  @Override
  public void workerEnded(WorkerOutcome outcome) {
    if (supervisor == null) {
      inbox.reports.add(outcome);
    } else {
      supervisor.report(outcome);
    }
  }

  @Override
  public void workerProgress(WorkerProgress progress) {
    if (supervisor != null) {
      supervisor.progress(progress);
    }
  }

  @Override
  public void feedback(Feedback feedback) {
    inbox.feedback(feedback);
  }

  @Override
  public int rate(Feedback feedback) {
    inbox.feedback(feedback);
    return inbox.feedback.size();
  }

  @Override
  public void validateRate(Feedback feedback) {
    List<String> problems = FeedbackRules.problems(feedback);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  @Override
  public PoolReadout raiseBudget(Budget raise) {
    return supervisor.raise().apply(raise);
  }

  @Override
  public void validateRaiseBudget(Budget raise) {
    List<String> problems =
        supervisor == null
            ? List.of("run: expected a started run, got one still starting; try again")
            : supervisor.raise().problems(raise);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  @Override
  public RunStatus status() {
    return supervisor == null ? RunStatus.starting("run", inbox) : supervisor.status();
  }

  @Override
  public LedgerView ledger() {
    if (supervisor == null) {
      return new LedgerView(
          Workflow.getInfo().getWorkflowId(), List.of(), LedgerTotals.of(List.of()));
    }
    return supervisor.ledgerView();
  }
}
