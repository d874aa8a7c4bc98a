package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;

/**
 * One kind of worker a driver can spawn. Everything about a kind lives behind this seam: how it is
 * described to the model (the {@code spawn_worker} schema and the driver's prompt are generated
 * from every kind), how its task is checked, what its first call costs, whether it can be steered,
 * and how it runs inside {@code WorkerTask}. Adding a kind means one class and one line in {@link
 * WorkerKinds}.
 */
interface WorkerKind {
  /** The profile name on the wire ({@code spawn_worker}'s {@code profile}). */
  String name();

  /** What the model reads about this kind: what it does, what its budget buys. */
  String description();

  /** The shape of its task, as the model should write it, in a few words. */
  String taskShape();

  /** What is wrong with {@code task} for this kind, or null when it can run. */
  String taskProblem(JsonNode task);

  /**
   * Tokens of the first router call such a worker makes on {@code task} (prompt and task estimated,
   * plus one output token); 0 for a kind that makes no router call of its own.
   */
  long firstCallTokens(JsonNode task, RunRequest run);

  /**
   * The budget a spawn of this kind reserves when {@code spawn_worker} gives none (a given budget
   * merges over it): the run's per-worker default, unless the kind needs more to do anything.
   */
  default Budget defaultBudget(Budget perWorker, JsonNode task, RunRequest run) {
    return perWorker;
  }

  /** Null when the kind takes {@code steer_worker}; else why it cannot, for the driver. */
  String notSteerable();

  /** The running worker, inside its {@code WorkerTask} workflow. */
  WorkerRun start(WorkerAssignment assignment, Inbox inbox);
}
