package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.ledger.Budget;
import dev.tally.router.ChatMessage;
import dev.tally.router.InputEstimate;
import java.util.List;

/** A nested supervised run paid from its own reservation. */
final class DriverKind implements WorkerKind {
  @Override
  public String name() {
    return WorkerProfiles.DRIVER;
  }

  /** Default workers a nested driver spawned without a budget can fund. */
  static final int DEFAULT_CHILDREN = 2;

  /** Its own turns the default budget pays for beside its children. */
  static final int DEFAULT_OWN_TURNS = 4;

  @Override
  public String description() {
    return "coordinates workers of its own with these same tools; its budget is the pool its own"
        + " turns and all its workers are paid from, so it must hold at least one default worker"
        + " plus its first turn; without a budget it gets room for "
        + DEFAULT_CHILDREN
        + " default workers and "
        + DEFAULT_OWN_TURNS
        + " turns of its own";
  }

  /**
   * Room for {@value #DEFAULT_CHILDREN} default workers and {@value #DEFAULT_OWN_TURNS} turns of
   * its own (each estimated as its first call): never a sub-driver that can only spend its first
   * turn.
   */
  @Override
  public Budget defaultBudget(Budget perWorker, JsonNode task, RunRequest run) {
    long turns = DEFAULT_OWN_TURNS * firstCallTokens(task, run);
    return new Budget(
        DEFAULT_CHILDREN * perWorker.iterations(),
        DEFAULT_CHILDREN * perWorker.tokens() + turns,
        perWorker.usdCapped()
            ? perWorker.maxUsd().multiply(java.math.BigDecimal.valueOf(DEFAULT_CHILDREN))
            : null,
        null);
  }

  /** The least a nested driver's budget must hold: one default worker and its own first turn. */
  Budget minimumBudget(Budget perWorker, JsonNode task, RunRequest run) {
    return new Budget(
        Math.max(1, perWorker.iterations()),
        perWorker.tokens() + firstCallTokens(task, run),
        perWorker.maxUsd(),
        null);
  }

  @Override
  public String taskShape() {
    return "a string (or any JSON value) describing the sub-goal it should coordinate";
  }

  @Override
  public String taskProblem(JsonNode task) {
    return null;
  }

  @Override
  public long firstCallTokens(JsonNode task, RunRequest run) {
    return InputEstimate.minimalCall(
        List.of(
            ChatMessage.system(Prompts.driver(run.workerProfilesOrDefault())),
            ChatMessage.user(Supervisor.taskText(task))),
        Toolsets.named(Toolsets.COORDINATION));
  }

  @Override
  public String notSteerable() {
    // An instruction reaches the nested driver as a user message at its next turn.
    return null;
  }

  @Override
  public WorkerRun start(WorkerAssignment assignment, Inbox inbox) {
    return new DriverWorker(assignment, inbox);
  }
}
