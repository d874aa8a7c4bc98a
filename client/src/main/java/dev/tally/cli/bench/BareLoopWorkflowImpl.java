package dev.tally.cli.bench;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Calls the no-op activity once per step, awaiting each, as a driver awaits each turn. */
public final class BareLoopWorkflowImpl implements BareLoopWorkflow {
  private final NoopActivities noop =
      Workflow.newActivityStub(
          NoopActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

  @Override
  public int run(int steps) {
    int done = 0;
    for (int i = 0; i < steps; i++) {
      done += noop.noop(i);
    }
    return done;
  }
}
