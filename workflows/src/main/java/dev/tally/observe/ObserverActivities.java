package dev.tally.observe;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * How runs reach their namespace's observer. Local activities, so a report needs no task round trip
 * and a worker that dies while signalling leaves the workflow task to run again elsewhere: the
 * report is sent again and the observer counts it once.
 */
@ActivityInterface
public interface ObserverActivities {
  /** Signals {@code op} to the observer, starting it when it is not running. */
  @ActivityMethod(name = "ReportOp")
  void reportOp(Op op);

  /** The playbook entries for a task class; an empty excerpt when there is no observer yet. */
  @ActivityMethod(name = "PlaybookFor")
  PlaybookExcerpt playbookFor(PlaybookRequest request);
}
