package dev.tally.visibility;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * What the worker knows about its namespace's visibility store, asked by workflows through a local
 * activity so that the answer is recorded in history and replays deterministically.
 */
@ActivityInterface
public interface VisibilityActivities {
  /** Which of the named custom search attributes the worker's namespace has registered. */
  @ActivityMethod(name = "RegisteredSearchAttributes")
  RegisteredAttributes registeredSearchAttributes(AttributeQuery query);
}
