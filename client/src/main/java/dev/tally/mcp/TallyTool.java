package dev.tally.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One MCP tool: its wire name, what a model reads about it, its arguments and what it does.
 *
 * @param name the wire name (SPEC §10)
 * @param title a short human title
 * @param description for a model that has never seen Tally: what it does, how long it takes, what
 *     to call next
 * @param input the arguments, described once for both the schema and the checks
 * @param readOnly whether the tool changes nothing
 * @param idempotent whether repeating the same call has no further effect
 * @param handler the work, given arguments that passed {@code input}'s checks
 */
record TallyTool(
    String name,
    String title,
    String description,
    InputSchema input,
    boolean readOnly,
    boolean idempotent,
    Handler handler) {

  TallyTool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(handler, "handler");
  }

  /** The work of a tool. */
  @FunctionalInterface
  interface Handler {
    /**
     * @return the result, serialised as the call's {@code structuredContent}
     * @throws ToolFailure when it cannot be done
     */
    Object handle(JsonNode arguments, ProgressReporter progress) throws InterruptedException;
  }

  /** Sends MCP progress notifications when the caller asked for them, and nothing otherwise. */
  @FunctionalInterface
  interface ProgressReporter {
    ProgressReporter NONE = (progress, message) -> {};

    void report(double progress, String message);
  }
}
