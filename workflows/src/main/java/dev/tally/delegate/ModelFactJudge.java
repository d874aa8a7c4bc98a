package dev.tally.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.Spend;
import dev.tally.research.FactJudge;
import dev.tally.research.FactVerdict;
import dev.tally.research.ResearchFact;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.supervise.Policies;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.function.Consumer;

/**
 * A KB-gate judge that asks a model, through one {@code RouterChat} call per fact, whether the
 * passage supports the claim. What each call cost goes to {@code onSpend}, which meters it on the
 * delegation's ledger. Fail-closed: a call that fails or a reply that is not {@code {accept,
 * reason?}} vetoes.
 */
final class ModelFactJudge implements FactJudge {
  /** Most of a source shown to the judge (the passage is always shown whole). */
  static final int MAX_SOURCE_CHARS = 20_000;

  private final String runId;
  private final String sessionId;
  private final String model;
  private final Consumer<ModelReviewer.ReviewSpend> onSpend;
  private int calls;

  ModelFactJudge(
      String runId, String sessionId, String model, Consumer<ModelReviewer.ReviewSpend> onSpend) {
    this.runId = runId;
    this.sessionId = sessionId;
    this.model = model;
    this.onSpend = onSpend;
  }

  @Override
  public String name() {
    return "model:" + model;
  }

  @Override
  public FactVerdict judge(ResearchFact fact, String sourceText) {
    int call = calls++;
    RouterChatActivities router =
        Workflow.newActivityStub(
            RouterChatActivities.class,
            Policies.routerChat("fact judge " + call + " of " + sessionId));
    String source =
        sourceText.length() > MAX_SOURCE_CHARS
            ? sourceText.substring(0, MAX_SOURCE_CHARS)
            : sourceText;
    String prompt =
        "Claim: "
            + fact.claim()
            + (fact.valueText() == null ? "" : "\nValue: " + fact.valueText())
            + "\nPassage: "
            + fact.verbatimPassage()
            + "\n\nSource:\n"
            + source;
    ChatTurnRequest request =
        new ChatTurnRequest(
            runId,
            sessionId + ":judge",
            call,
            ChatTurnRequest.WORKER,
            model,
            0.0,
            null,
            List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt)),
            null,
            false);
    ChatTurnReply reply;
    try {
      reply = router.routerChat(request);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        throw e;
      }
      onSpend.accept(new ModelReviewer.ReviewSpend(sessionId + ":judge", Spend.unknown(0), model));
      return FactVerdict.veto(name(), "judge call failed: " + e.getCause().getMessage());
    }
    onSpend.accept(
        new ModelReviewer.ReviewSpend(
            sessionId + ":judge", reply.spend(0), reply.model() == null ? model : reply.model()));
    return verdictOf(reply.content());
  }

  private FactVerdict verdictOf(String text) {
    String t = text == null ? "" : text.strip();
    int open = t.indexOf('{');
    int close = t.lastIndexOf('}');
    JsonNode v = null;
    if (open >= 0 && close > open) {
      try {
        v = Json.parse(t.substring(open, close + 1));
      } catch (IllegalArgumentException e) {
        v = null;
      }
    }
    if (v == null || !v.path("accept").isBoolean()) {
      return FactVerdict.veto(
          name(), "judge reply: expected {accept: true|false, reason?}, got '" + preview(t) + "'");
    }
    String reason = v.path("reason").isTextual() ? v.path("reason").asText() : null;
    return v.path("accept").asBoolean()
        ? new FactVerdict(true, null, reason)
        : FactVerdict.veto(name(), reason == null ? "the judge refused it" : reason);
  }

  private static String preview(String s) {
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
  }

  static final String SYSTEM =
      "You check facts for a knowledge base. Accept a fact only when the passage, read in its"
          + " source, states the claim (and its value, if given) without stretching it. Reply with"
          + " one JSON object and nothing else: {\"accept\": true|false, \"reason\": \"<why>\"}.";
}
