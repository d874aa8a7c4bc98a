package dev.tally.router.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.router.ChatBackend;
import dev.tally.router.ChatCall;
import dev.tally.router.ChatCompletion;
import dev.tally.router.InputEstimate;
import dev.tally.router.ToolCall;
import dev.tally.router.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A router that bills what it was asked for and plays an adversarial driver.
 *
 * <p>Billing: prompt tokens from the request's size ({@code ceil(bytes / bytesPerToken)} plus 3 per
 * message, so a small {@code bytesPerToken} is a tokenizer worse than Tally's estimate), and
 * completion tokens as many as the plan wants, capped only by the call's {@code max_tokens}.
 *
 * <p>Driving: a call offered tools is a driver turn; turn {@code t} of every driver node (root or
 * nested) answers with the plan's spawns for {@code t} plus an {@code await_event}, and once the
 * plan is used up with no tool calls (the loop ends). A call without tools is a chat worker's and
 * answers with text.
 */
final class BillingRouter implements ChatBackend {
  /** What one root run was billed, by node. */
  static final class Bill {
    final AtomicLong tokens = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong workerCalls = new AtomicLong();
    final AtomicLong uncapped = new AtomicLong();
    final Map<String, Long> maxEstimateError = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> driverTurns = new ConcurrentHashMap<>();

    /** The sum over nodes of each node's largest prompt-estimate shortfall: the stated slack. */
    long slack() {
      return maxEstimateError.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Map<String, AdversarialPlan> plans = new ConcurrentHashMap<>();
  private final Map<String, Bill> bills = new ConcurrentHashMap<>();

  /** Registers the plan of root run {@code runId} and returns its bill. */
  Bill expect(String runId, AdversarialPlan plan) {
    plans.put(runId, plan);
    Bill bill = new Bill();
    bills.put(runId, bill);
    return bill;
  }

  @Override
  public ChatCompletion complete(ChatCall call) {
    long bytes =
        utf8(Json.canonical(call.messages()))
            + (call.tools().isEmpty() ? 0 : utf8(Json.canonical(call.tools())));
    return bill(
        call.idempotencyKey(),
        bytes,
        call.messages().size(),
        InputEstimate.tokens(call.messages(), call.tools()),
        call.maxTokens(),
        !call.tools().isEmpty(),
        call.model());
  }

  /**
   * Bills one call and answers it.
   *
   * @param idempotencyKey the call's key, whose first segment is the paying node's id
   * @param bytes the size of the request's messages and tools
   * @param messages how many messages the request carried
   * @param estimate Tally's input estimate for the request, or -1 when the router cannot know it
   * @param maxTokens the request's {@code max_tokens}, or null
   * @param driverTurn whether tools were offered
   */
  ChatCompletion bill(
      String idempotencyKey,
      long bytes,
      int messages,
      long estimate,
      Long maxTokens,
      boolean driverTurn,
      String model) {
    String node = idempotencyKey.split("/", 2)[0];
    String root = node.split(":", 2)[0];
    AdversarialPlan plan = plans.get(root);
    Bill bill = bills.get(root);
    if (plan == null) {
      throw new IllegalStateException("no plan for run " + root);
    }
    long prompt = (bytes + plan.bytesPerToken() - 1) / plan.bytesPerToken() + 3L * messages;
    if (estimate >= 0) {
      bill.maxEstimateError.merge(node, Math.max(0, prompt - estimate), Math::max);
    }
    long completion = plan.wantedCompletion();
    if (maxTokens == null) {
      bill.uncapped.incrementAndGet();
    } else {
      completion = Math.min(completion, maxTokens);
    }
    bill.tokens.addAndGet(prompt + completion);
    bill.calls.incrementAndGet();
    Usage usage = new Usage(prompt, completion);
    if (!driverTurn) {
      bill.workerCalls.incrementAndGet();
      return new ChatCompletion("answer from " + node, List.of(), usage, null, model);
    }
    int turn = bill.driverTurns.computeIfAbsent(node, n -> new AtomicInteger()).getAndIncrement();
    if (turn >= plan.turns().size()) {
      return new ChatCompletion("done", List.of(), usage, null, model);
    }
    List<ToolCall> calls = new ArrayList<>();
    int i = 0;
    for (AdversarialPlan.Spawn s : plan.turns().get(turn)) {
      ObjectNode args = Json.CANONICAL.createObjectNode();
      args.put("profile", s.profile()).put("task", "t" + i);
      ObjectNode budget = args.putObject("budget");
      budget.put("maxTokens", s.tokens()).put("maxIterations", s.iterations());
      if (s.usd() != null) {
        budget.put("maxUsd", s.usd());
      }
      calls.add(new ToolCall("c" + i++, "spawn_worker", args));
    }
    for (int k = 0; k < plan.awaitsPerTurn(); k++) {
      calls.add(new ToolCall("c" + i++, "await_event", Json.CANONICAL.createObjectNode()));
    }
    return new ChatCompletion("", calls, usage, null, model);
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
