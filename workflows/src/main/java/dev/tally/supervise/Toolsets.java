package dev.tally.supervise;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.router.ToolSpec;
import java.util.List;

/**
 * Tool sets offered to models, by name. A {@code RouterChat} request names its set instead of
 * carrying the schemas, so each driver turn's history stays small.
 */
public final class Toolsets {
  public static final String COORDINATION = "coordination";

  public static final String SPAWN_WORKER = "spawn_worker";
  public static final String AWAIT_EVENT = "await_event";
  public static final String OBSERVE_WORKER = "observe_worker";
  public static final String STEER_WORKER = "steer_worker";
  public static final String CANCEL_WORKER = "cancel_worker";
  public static final String STOP = "stop";

  /** A spawn's budget: each field merges over the default of the worker's kind. */
  private static final ObjectNode BUDGET_SCHEMA =
      ToolSchemas.object(
          ToolSchemas.props(
              "maxIterations",
              ToolSchemas.optional("integer", "child rounds (chat: model calls), >= 0"),
              "maxTokens",
              ToolSchemas.optional("integer", "input plus output tokens, >= 0"),
              "maxUsd",
              ToolSchemas.optional("number", "dollars, >= 0; only when the run caps dollars"),
              "deadlineMs",
              ToolSchemas.optional("integer", "milliseconds from the worker's start, >= 0")));

  private static final List<ToolSpec> COORDINATION_TOOLS =
      List.of(
          new ToolSpec(
              SPAWN_WORKER,
              "Start a worker on a task. Its whole budget is reserved from the run's pool up front;"
                  + " a refusal lists every short channel and what would fit.",
              spawnSchema()),
          new ToolSpec(
              AWAIT_EVENT,
              "Wait for the next worker event (a settlement). Answers {pending:true} after 15 s of"
                  + " nothing and {idle:true} when no worker is live.",
              ToolSchemas.object(
                  ToolSchemas.props(
                      "kinds",
                      withItems(
                          ToolSchemas.optional("array", "event kinds to wait for"),
                          ToolSchemas.enumOf(List.of("settled"), null))))),
          new ToolSpec(
              OBSERVE_WORKER,
              "A worker's status, spend so far (a live sub-driver's as last reported) and output if"
                  + " delivered.",
              ToolSchemas.object(ToolSchemas.props("workerId", ToolSchemas.string(null)))),
          new ToolSpec(
              STEER_WORKER,
              "Send a live worker an instruction for its next step; a kind that takes none answers"
                  + " delivered:false with the reason.",
              ToolSchemas.object(
                  ToolSchemas.props(
                      "workerId",
                      ToolSchemas.string(null),
                      "instruction",
                      ToolSchemas.string(null)))),
          new ToolSpec(
              CANCEL_WORKER,
              "Cancel a live worker; its reservation settles with what it spent.",
              ToolSchemas.object(
                  ToolSchemas.props(
                      "workerId",
                      ToolSchemas.string(null),
                      "reason",
                      ToolSchemas.optional("string", null)))),
          new ToolSpec(
              STOP,
              "End the run. The winner is the worker you name (it must have delivered), else the"
                  + " judge's best, else the first delivered.",
              ToolSchemas.object(
                  ToolSchemas.props(
                      "reason",
                      ToolSchemas.optional("string", null),
                      "winner",
                      ToolSchemas.optional(
                          "string", "the workerId of the best delivered output")))));

  private Toolsets() {}

  /** {@code spawn_worker}'s arguments, with every worker kind and the shape of its task. */
  private static ObjectNode spawnSchema() {
    StringBuilder kinds = new StringBuilder();
    List<String> names = new java.util.ArrayList<>();
    for (WorkerKind k : WorkerKinds.ALL) {
      kinds.append(kinds.length() == 0 ? "" : "; ");
      kinds.append(k.name()).append(": ").append(k.description());
      kinds.append(" (task: ").append(k.taskShape()).append(')');
      names.add(k.name());
    }
    return ToolSchemas.object(
        ToolSchemas.props(
            "profile",
            ToolSchemas.enumOf(names, kinds.toString()),
            "task",
            ToolSchemas.string("what the worker should do, in the shape its kind takes"),
            "label",
            ToolSchemas.optional("string", "your name for the worker"),
            "budget",
            ToolSchemas.optional(BUDGET_SCHEMA)));
  }

  private static ObjectNode withItems(ObjectNode array, ObjectNode items) {
    array.set("items", items);
    return array;
  }

  /**
   * The tools of a named set.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static List<ToolSpec> named(String name) {
    if (name == null) {
      return List.of();
    }
    if (COORDINATION.equals(name)) {
      return COORDINATION_TOOLS;
    }
    throw new IllegalArgumentException(
        "toolset: expected null or \"" + COORDINATION + "\", got \"" + name + "\"");
  }
}
