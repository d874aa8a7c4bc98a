package dev.tally.supervise;

import dev.tally.observe.OpsReport;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/** The root of a supervised run: validates the request, then drives. */
public final class SupervisedRunWorkflowImpl implements SupervisedRunWorkflow {
  private final Inbox inbox = new Inbox();
  private Supervisor supervisor;

  @Override
  public RunResult run(RunRequest request) {
    List<String> problems = RunRequestRules.problems(request);
    if (!problems.isEmpty()) {
      RunSearchAttributes.forRefusal().refused();
      String message = "invalid RunRequest: " + String.join("; ", problems);
      OpsReport.runRefused(request, Failures.INVALID_RUN_REQUEST, message);
      throw ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_RUN_REQUEST);
    }
    supervisor =
        new Supervisor(
            Workflow.getInfo().getWorkflowId(),
            "run",
            0,
            request,
            request.budget().usdCapped(),
            inbox);
    RunResult result = supervisor.run();
    OpsReport.runClosed(request, result, supervisor.ledgerView().entries());
    return result;
  }

  @Override
  public void cancel(CancelRequest request) {
    inbox.cancel(request);
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
  public RunStatus status() {
    if (supervisor == null) {
      return new RunStatus(
          Workflow.getInfo().getWorkflowId(),
          "run",
          "starting",
          0,
          List.of(),
          null,
          null,
          inbox.rejectedFeedback,
          List.copyOf(inbox.feedback),
          null);
    }
    return supervisor.status();
  }

  @Override
  public LedgerView ledger() {
    if (supervisor == null) {
      return new LedgerView(
          Workflow.getInfo().getWorkflowId(),
          List.of(),
          dev.tally.ledger.LedgerTotals.of(List.of()));
    }
    return supervisor.ledgerView();
  }
}
