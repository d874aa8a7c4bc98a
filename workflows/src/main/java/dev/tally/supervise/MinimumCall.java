package dev.tally.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.router.ChatMessage;
import dev.tally.router.InputEstimate;
import java.util.List;

/**
 * The smallest work a router-calling spawn (chat, driver) must be able to pay for: one iteration
 * and its first call (its fixed prompt and the task, estimated, plus one output token). A ceiling
 * below that could only be spent by escaping it, so the spawn is refused as {@value
 * #BELOW_MINIMUM_CALL} before anything is reserved.
 */
final class MinimumCall {
  static final String BELOW_MINIMUM_CALL = "below-minimum-call";

  private MinimumCall() {}

  /** Tokens of the first call a worker of {@code profile} makes on {@code task}; 0 for none. */
  static long tokens(String profile, JsonNode task) {
    String text = Supervisor.taskText(task);
    return switch (profile) {
      case WorkerProfiles.CHAT ->
          InputEstimate.minimalCall(
              List.of(ChatMessage.system(Prompts.CHAT_WORKER), ChatMessage.user(text)), null);
      case WorkerProfiles.DRIVER ->
          InputEstimate.minimalCall(
              List.of(ChatMessage.system(Prompts.DRIVER), ChatMessage.user(text)),
              Toolsets.named(Toolsets.COORDINATION));
      default -> 0;
    };
  }

  /** The refusal for a spawn whose {@code budget} cannot cover its first call, or null. */
  static ObjectNode refusal(String profile, JsonNode task, Budget budget) {
    if (WorkerProfiles.SANDBOX.equals(profile)) {
      // A sandbox turn makes no router call; its harness reports its own usage.
      return null;
    }
    long tokens = tokens(profile, task);
    if (budget.iterations() >= 1 && budget.tokens() >= tokens) {
      return null;
    }
    ObjectNode out = Json.CANONICAL.createObjectNode().put("error", BELOW_MINIMUM_CALL);
    out.putObject("minimum").put("tokens", tokens).put("iterations", 1);
    out.putObject("requested")
        .put("tokens", budget.tokens())
        .put("iterations", budget.iterations());
    return out;
  }
}
