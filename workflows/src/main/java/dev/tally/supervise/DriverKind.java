package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.router.ChatMessage;
import dev.tally.router.InputEstimate;
import java.util.List;

/** A nested supervised run paid from its own reservation. */
final class DriverKind implements WorkerKind {
  @Override
  public String name() {
    return WorkerProfiles.DRIVER;
  }

  @Override
  public String description() {
    return "coordinates workers of its own with these same tools; its budget is the pool its own"
        + " turns and all its workers are paid from, so give it room for several workers";
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
    return "a nested driver takes no steering: cancel it and spawn another with a better task";
  }

  @Override
  public WorkerRun start(WorkerAssignment assignment, Inbox inbox) {
    return new DriverWorker(assignment, inbox);
  }
}
