package dev.tally.cli.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** An activity that does nothing: the floor of one awaited activity per workflow step. */
@ActivityInterface
public interface NoopActivities {
  @ActivityMethod(name = "BenchNoop")
  int noop(int step);
}
