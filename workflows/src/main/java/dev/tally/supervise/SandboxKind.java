package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;

/** A detached sandbox turn (a coder or researcher harness), validated before it is delivered. */
final class SandboxKind implements WorkerKind {
  @Override
  public String name() {
    return WorkerProfiles.SANDBOX;
  }

  @Override
  public String description() {
    return "runs one detached coding or research turn in a sandbox (a harness such as a coding"
        + " agent); only a result that passes its checks is delivered; the harness reports its"
        + " own usage, which counts against its budget";
  }

  @Override
  public String taskShape() {
    return "{\"profile\": \"coder\", \"args\": {\"goal\": \"...\", \"repoRoot\": \"/abs/path\"}}"
        + " or {\"profile\": \"researcher\", \"args\": {\"question\": \"...\", \"namespace\": \"...\"}}";
  }

  @Override
  public String taskProblem(JsonNode task) {
    try {
      SandboxWorker.requestOf(task);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Override
  public long firstCallTokens(JsonNode task, RunRequest run) {
    // A sandbox turn makes no router call of its own.
    return 0;
  }

  @Override
  public String notSteerable() {
    return "a sandbox turn runs detached and takes no steering: cancel it and spawn another";
  }

  @Override
  public WorkerRun start(WorkerAssignment assignment, Inbox inbox) {
    return new SandboxWorker(assignment, inbox);
  }
}
