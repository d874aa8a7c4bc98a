package dev.tally.supervise;

import dev.tally.json.Json;
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

  private static final String BUDGET_SCHEMA =
      "{\"type\":\"object\",\"properties\":{"
          + "\"maxIterations\":{\"type\":\"integer\",\"minimum\":0},"
          + "\"maxTokens\":{\"type\":\"integer\",\"minimum\":0},"
          + "\"maxUsd\":{\"type\":\"number\",\"minimum\":0},"
          + "\"deadlineMs\":{\"type\":\"integer\",\"minimum\":0}}}";

  private static final List<ToolSpec> COORDINATION_TOOLS =
      List.of(
          tool(
              SPAWN_WORKER,
              "Start a worker on a task. Its whole budget is reserved from the run's pool up front;"
                  + " a refusal lists every short channel.",
              spawnSchema()),
          tool(
              AWAIT_EVENT,
              "Wait for the next worker event (a settlement). Answers {pending:true} after 15 s of"
                  + " nothing and {idle:true} when no worker is live.",
              "{\"type\":\"object\",\"properties\":{\"kinds\":{\"type\":\"array\","
                  + "\"items\":{\"type\":\"string\",\"enum\":[\"settled\"]}}}}"),
          tool(
              OBSERVE_WORKER,
              "A worker's status, spend so far and output if delivered.",
              "{\"type\":\"object\",\"required\":[\"workerId\"],"
                  + "\"properties\":{\"workerId\":{\"type\":\"string\"}}}"),
          tool(
              STEER_WORKER,
              "Send a live worker an instruction for its next step.",
              "{\"type\":\"object\",\"required\":[\"workerId\",\"instruction\"],\"properties\":{"
                  + "\"workerId\":{\"type\":\"string\"},\"instruction\":{\"type\":\"string\"}}}"),
          tool(
              CANCEL_WORKER,
              "Cancel a live worker; its reservation settles with what it spent.",
              "{\"type\":\"object\",\"required\":[\"workerId\"],\"properties\":{"
                  + "\"workerId\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"}}}"),
          tool(
              STOP,
              "End the run. The best delivered worker output wins.",
              "{\"type\":\"object\",\"properties\":{\"reason\":{\"type\":\"string\"}}}"));

  private Toolsets() {}

  /** {@code spawn_worker}'s arguments, with every worker kind and the shape of its task. */
  private static String spawnSchema() {
    StringBuilder kinds = new StringBuilder();
    StringBuilder names = new StringBuilder();
    for (WorkerKind k : WorkerKinds.ALL) {
      kinds.append(kinds.length() == 0 ? "" : "; ");
      kinds.append(k.name()).append(": ").append(k.description());
      kinds.append(" (task: ").append(k.taskShape()).append(')');
      names.append(names.length() == 0 ? "" : ",").append('"').append(k.name()).append('"');
    }
    return "{\"type\":\"object\",\"required\":[\"profile\",\"task\"],\"properties\":{"
        + "\"profile\":{\"type\":\"string\",\"enum\":["
        + names
        + "],\"description\":"
        + Json.canonical(kinds.toString())
        + "},"
        + "\"task\":{\"description\":\"what the worker should do, in the shape its kind takes\"},"
        + "\"label\":{\"type\":\"string\"},"
        + "\"budget\":"
        + BUDGET_SCHEMA
        + "}}";
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

  private static ToolSpec tool(String name, String description, String schema) {
    return new ToolSpec(name, description, Json.parse(schema));
  }
}
