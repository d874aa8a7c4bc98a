package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.BudgetRules;
import dev.tally.router.ToolCall;
import java.time.Duration;
import java.util.List;

/**
 * The driver's coordination tools. Every result, errors included, is data for the driver: a bad
 * argument or a refused spawn never fails the run.
 */
final class CoordinationTools {
  /** Observed outputs are previews: the full text stays out of the conversation and history. */
  static final int OUTPUT_PREVIEW_CHARS = 2000;

  private final RunState s;
  private final Crew crew;

  CoordinationTools(RunState state, Crew crew) {
    this.s = state;
    this.crew = crew;
  }

  /** Runs one tool call and returns its result. */
  JsonNode handle(ToolCall call) {
    JsonNode args =
        call.arguments() != null && call.arguments().isObject()
            ? call.arguments()
            : Json.CANONICAL.createObjectNode();
    try {
      return switch (call.name() == null ? "" : call.name()) {
        case Toolsets.SPAWN_WORKER -> spawn(args);
        case Toolsets.AWAIT_EVENT -> awaitEvent();
        case Toolsets.OBSERVE_WORKER -> observe(args);
        case Toolsets.STEER_WORKER -> steer(args);
        case Toolsets.CANCEL_WORKER -> cancel(args);
        case Toolsets.STOP -> stop(args);
        default -> error("unknown tool: " + call.name());
      };
    } catch (IllegalArgumentException e) {
      return error(e.getMessage());
    }
  }

  private JsonNode spawn(JsonNode args) {
    String profile = requiredText(args, "profile");
    JsonNode task = args.get("task");
    if (task == null || task.isNull()) {
      throw new IllegalArgumentException("task: expected a string or JSON value, got nothing");
    }
    Budget override = null;
    JsonNode budgetNode = args.get("budget");
    if (budgetNode != null && !budgetNode.isNull()) {
      if (!budgetNode.isObject()) {
        throw new IllegalArgumentException(
            "budget: expected an object of maxIterations/maxTokens/maxUsd/deadlineMs, got "
                + budgetNode.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      override = Json.convert(budgetNode, Budget.class);
    }
    WorkerKind kind = WorkerKinds.named(profile);
    Budget base =
        kind == null || !s.drivers
            ? s.request.perWorker()
            : kind.defaultBudget(s.request.perWorker(), task, s.request);
    Budget budget = override == null ? base : override.mergedOver(base);
    List<String> problems = BudgetRules.problems("budget", budget);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    JsonNode label = args.get("label");
    return crew.spawn(
        profile, task, label == null || label.isNull() ? null : label.asText(), budget);
  }

  private JsonNode awaitEvent() {
    if (!s.events.isEmpty()) {
      return s.events.pollFirst();
    }
    if (s.live().isEmpty()) {
      return idle();
    }
    Duration wait = Policies.AWAIT_FENCE;
    Duration left = Deadlines.untilDeadline(s.pool);
    if (left != null && left.compareTo(wait) < 0) {
      wait = left.isNegative() ? Duration.ZERO : left;
    }
    Waits.until(
        wait,
        "await_event: up to " + wait.toSeconds() + " s for a worker event",
        () -> !s.events.isEmpty() || s.live().isEmpty() || s.inbox.cancelReason != null);
    if (!s.events.isEmpty()) {
      return s.events.pollFirst();
    }
    if (s.live().isEmpty()) {
      return idle();
    }
    ObjectNode pending = Json.CANONICAL.createObjectNode().put("pending", true);
    ArrayNode live = pending.putArray("live");
    for (WorkerSlot w : s.live()) {
      live.addObject().put("id", w.id).put("profile", w.profile).put("label", w.label);
    }
    return pending;
  }

  private JsonNode observe(JsonNode args) {
    WorkerSlot slot = slot(args);
    ObjectNode out = Json.CANONICAL.createObjectNode().put("status", slot.status);
    if (slot.live() && slot.progress != null) {
      // Reported by the worker after its last turn: a floor, the worker is still spending.
      out.set("spentSoFar", Json.CANONICAL.valueToTree(slot.progress.spent()));
      out.put("turns", slot.progress.turns());
    }
    if (slot.outcome != null) {
      out.set("spent", Json.CANONICAL.valueToTree(slot.outcome.spent()));
      if (slot.outcome.output() != null) {
        String text = slot.outcome.output();
        out.put(
            "output",
            text.length() > OUTPUT_PREVIEW_CHARS ? text.substring(0, OUTPUT_PREVIEW_CHARS) : text);
        out.put("outRef", slot.outcome.outRef());
      }
    }
    if (slot.reason != null) {
      out.put("reason", slot.reason);
    }
    return out;
  }

  private JsonNode steer(JsonNode args) {
    WorkerSlot slot = slot(args);
    String instruction = requiredText(args, "instruction");
    String notDelivered = crew.steer(slot, instruction);
    ObjectNode out = Json.CANONICAL.createObjectNode().put("delivered", notDelivered == null);
    return notDelivered == null ? out : out.put("reason", notDelivered);
  }

  private JsonNode cancel(JsonNode args) {
    WorkerSlot slot = slot(args);
    if (!slot.live()) {
      return Json.CANONICAL.createObjectNode().put("cancelled", false).put("status", slot.status);
    }
    JsonNode reason = args.get("reason");
    crew.requestCancel(
        slot, reason == null || reason.isNull() ? "cancelled by driver" : reason.asText(), true);
    boolean ended = crew.awaitEnd(slot, Policies.CANCEL_DRAIN);
    ObjectNode out =
        Json.CANONICAL.createObjectNode().put("cancelled", true).put("status", slot.status);
    if (ended && slot.outcome != null) {
      out.set("spent", Json.CANONICAL.valueToTree(slot.outcome.spent()));
    }
    return out;
  }

  /**
   * Ends the run. A named {@code winner} must be a worker that delivered a valid output; otherwise
   * the tool answers an error the driver can correct, and the run goes on.
   */
  private JsonNode stop(JsonNode args) {
    JsonNode winner = args.get("winner");
    String pick = winner == null || winner.isNull() ? null : winner.asText();
    if (pick != null) {
      WorkerSlot w = s.workers.get(pick);
      List<String> delivered =
          s.workers.values().stream().filter(WorkerSlot::delivered).map(x -> x.id).toList();
      if (w == null || !w.delivered()) {
        return error(
            "winner: expected a worker that delivered a valid output, one of "
                + delivered
                + ", got \""
                + pick
                + "\""
                + (w == null ? " (unknown worker)" : " (" + w.status + ")"));
      }
    }
    JsonNode reason = args.get("reason");
    s.driverPick = pick;
    s.stopReason = reason == null || reason.isNull() ? "driver stopped" : reason.asText();
    ObjectNode out = Json.CANONICAL.createObjectNode().put("stopped", true);
    return pick == null ? out : out.put("winner", pick);
  }

  private WorkerSlot slot(JsonNode args) {
    String id = requiredText(args, "workerId");
    WorkerSlot slot = s.workers.get(id);
    if (slot == null) {
      throw new IllegalArgumentException("unknown workerId \"" + id + "\"");
    }
    return slot;
  }

  private static String requiredText(JsonNode args, String field) {
    JsonNode v = args.get(field);
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(
          field + ": expected a non-empty string, got " + (v == null ? "nothing" : v.toString()));
    }
    return v.asText();
  }

  private static ObjectNode idle() {
    return Json.CANONICAL.createObjectNode().put("idle", true);
  }

  private static ObjectNode error(String message) {
    return Json.CANONICAL.createObjectNode().put("error", message);
  }
}
