package dev.tally.gc;

import java.time.Instant;
import java.util.Objects;

/** Where {@link ConversationSweep} learns whether the run that owns a conversation is over. */
@FunctionalInterface
public interface RunLookup {
  /** The state of the latest execution of {@code workflowId}. */
  RunState state(String workflowId);

  /**
   * What the sweep needs to know of one workflow.
   *
   * @param found false when the server has no such workflow (its history is gone: retention)
   * @param open true while the workflow, or any workflow above it, is still running
   * @param closedAt when it closed; null while open or when not found
   */
  record RunState(boolean found, boolean open, Instant closedAt) {
    public static RunState notFound() {
      return new RunState(false, false, null);
    }

    public static RunState running() {
      return new RunState(true, true, null);
    }

    public static RunState closed(Instant at) {
      return new RunState(true, false, Objects.requireNonNull(at, "at"));
    }
  }
}
