package dev.tally.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.ledger.UsdSource;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnReply;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.RouterChatActivities;
import dev.tally.router.ToolCall;
import dev.tally.router.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code RouterChat} test double at the port's edge: it keeps conversations by reference like the
 * real activity and answers from a script, recording every call it "billed".
 */
public final class ScriptedChat implements RouterChatActivities {

  /** Decides one answer from the request and the whole conversation so far. */
  @FunctionalInterface
  public interface Script {
    Answer answer(ChatTurnRequest request, List<ChatMessage> conversation);
  }

  /**
   * One scripted answer.
   *
   * @param usage null to simulate a provider that reported no usage
   * @param costUsd null to simulate an unpriced call
   */
  public record Answer(String content, List<ToolCall> toolCalls, Usage usage, BigDecimal costUsd) {
    public static Answer text(String content, long in, long out, String usd) {
      return new Answer(content, List.of(), new Usage(in, out), new BigDecimal(usd));
    }

    public static Answer calls(long in, long out, String usd, ToolCall... calls) {
      return new Answer("", List.of(calls), new Usage(in, out), new BigDecimal(usd));
    }
  }

  /** What the double answered, for exact comparisons with the run's ledger. */
  public record Billed(String nodeId, int turn, String role, Usage usage, BigDecimal costUsd) {}

  private final Script script;
  private final Map<String, List<ChatMessage>> conversations = new ConcurrentHashMap<>();
  private final List<Billed> billed = Collections.synchronizedList(new ArrayList<>());
  private final List<ChatTurnRequest> requests = Collections.synchronizedList(new ArrayList<>());

  public ScriptedChat(Script script) {
    this.script = script;
  }

  @Override
  public ChatTurnReply routerChat(ChatTurnRequest request) {
    requests.add(request);
    List<ChatMessage> conversation = new ArrayList<>();
    if (request.conversationRef() != null) {
      List<ChatMessage> prior = conversations.get(request.conversationRef());
      if (prior == null) {
        throw new IllegalStateException("unknown conversationRef " + request.conversationRef());
      }
      conversation.addAll(prior);
    }
    conversation.addAll(request.append());
    Answer a = script.answer(request, List.copyOf(conversation));
    conversation.add(
        ChatMessage.assistant(a.content(), a.toolCalls().isEmpty() ? null : a.toolCalls()));
    String ref = Json.contentRef(conversation);
    conversations.put(ref, conversation);
    billed.add(
        new Billed(request.nodeId(), request.turn(), request.role(), a.usage(), a.costUsd()));
    return new ChatTurnReply(
        ref,
        a.content(),
        a.toolCalls(),
        a.usage(),
        a.costUsd(),
        a.costUsd() == null ? UsdSource.UNKNOWN : UsdSource.BILLED,
        "scripted-model");
  }

  public List<Billed> billed() {
    synchronized (billed) {
      return List.copyOf(billed);
    }
  }

  /**
   * Everything billed, as the ledger should count it: worker calls are one iteration each, driver
   * turns none; a call without usage or price makes the sum a floor.
   */
  public dev.tally.ledger.Spend billedSpend() {
    dev.tally.ledger.Spend total = dev.tally.ledger.Spend.ZERO;
    for (Billed b : billed()) {
      boolean known = b.usage() != null;
      total =
          total.plus(
              new dev.tally.ledger.Spend(
                  ChatTurnRequest.WORKER.equals(b.role()) ? 1 : 0,
                  known ? b.usage().inputTokens() : 0,
                  known ? b.usage().outputTokens() : 0,
                  b.costUsd() == null ? BigDecimal.ZERO : b.costUsd(),
                  0,
                  known,
                  b.costUsd() == null ? UsdSource.UNKNOWN : UsdSource.BILLED));
    }
    return total;
  }

  public List<ChatTurnRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The full conversation behind a reference, as the real activity would load it. */
  public List<ChatMessage> conversation(String ref) {
    return conversations.get(ref);
  }

  /** Tool messages of a conversation parsed as JSON, in order. */
  public static List<JsonNode> toolResults(List<ChatMessage> conversation) {
    List<JsonNode> out = new ArrayList<>();
    for (ChatMessage m : conversation) {
      if ("tool".equals(m.role())) {
        out.add(Json.parse(m.content()));
      }
    }
    return out;
  }

  /** A tool call with JSON arguments given as text. */
  public static ToolCall call(String id, String name, String argumentsJson) {
    return new ToolCall(id, name, Json.parse(argumentsJson));
  }
}
