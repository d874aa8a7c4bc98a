package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.router.ChatMessage;
import dev.tally.router.InputEstimate;
import java.util.List;

/** A leaf worker answering with model calls. */
final class ChatKind implements WorkerKind {
  @Override
  public String name() {
    return WorkerProfiles.CHAT;
  }

  @Override
  public String description() {
    return "answers the task in plain text with model calls and no tools; each call is one"
        + " iteration, and its tokens must cover the task plus the answer";
  }

  @Override
  public String taskShape() {
    return "a string (or any JSON value) saying what to answer";
  }

  @Override
  public String taskProblem(JsonNode task) {
    return null;
  }

  @Override
  public long firstCallTokens(JsonNode task, RunRequest run) {
    return InputEstimate.minimalCall(
        List.of(
            ChatMessage.system(Prompts.CHAT_WORKER), ChatMessage.user(Supervisor.taskText(task))),
        null);
  }

  @Override
  public String notSteerable() {
    return null;
  }

  @Override
  public WorkerRun start(WorkerAssignment assignment, Inbox inbox) {
    return new ChatWorker(assignment, inbox);
  }
}
