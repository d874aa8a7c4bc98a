package dev.tally.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.router.ChatMessage;
import dev.tally.router.ChatTurnRequest;
import dev.tally.router.ToolCall;
import dev.tally.testing.ScriptedChat.Answer;
import java.util.ArrayList;
import java.util.List;

/** Reusable coordination scripts for workflow tests. */
public final class Scripts {
  /** Driver turns cost this many tokens and dollars each. */
  public static final long DRIVER_IN = 120;

  public static final long DRIVER_OUT = 30;
  public static final String DRIVER_USD = "0.0015";

  /** Worker calls cost this many tokens and dollars each. */
  public static final long WORKER_IN = 80;

  public static final long WORKER_OUT = 40;
  public static final String WORKER_USD = "0.0007";

  private Scripts() {}

  /**
   * A driver that spawns {@code workers} chat workers in its first turn, awaits until all have
   * settled, then stops; workers answer {@code answer to <task>}.
   */
  public static ScriptedChat.Script coordinator(int workers) {
    return (request, conversation) -> {
      if (ChatTurnRequest.WORKER.equals(request.role())) {
        return workerAnswer(conversation);
      }
      return coordinatorTurn(conversation, workers, "chat");
    };
  }

  /** The driver side of {@link #coordinator}, reusable inside other scripts. */
  public static Answer coordinatorTurn(
      List<ChatMessage> conversation, int workers, String profile) {
    return coordinatorTurn(conversation, workers, profile, null);
  }

  /** As above, spawning each worker with the given budget JSON merged over the default. */
  public static Answer coordinatorTurn(
      List<ChatMessage> conversation, int workers, String profile, String budgetJson) {
    List<JsonNode> results = ScriptedChat.toolResults(conversation);
    if (results.isEmpty()) {
      List<ToolCall> spawns = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        spawns.add(
            ScriptedChat.call(
                "c" + i,
                "spawn_worker",
                "{\"profile\":\""
                    + profile
                    + "\",\"task\":\"part "
                    + i
                    + "\",\"label\":\"w"
                    + i
                    + "\""
                    + (budgetJson == null ? "" : ",\"budget\":" + budgetJson)
                    + "}"));
      }
      return new Answer("", spawns, usage(), new java.math.BigDecimal(DRIVER_USD));
    }
    if (results.stream().anyMatch(r -> r.path("stopped").asBoolean(false))) {
      return Answer.text("done", DRIVER_IN, DRIVER_OUT, DRIVER_USD);
    }
    long settled = results.stream().filter(r -> "settled".equals(r.path("type").asText())).count();
    boolean idle = results.get(results.size() - 1).path("idle").asBoolean(false);
    if (settled >= workers || idle) {
      return Answer.calls(DRIVER_IN, DRIVER_OUT, DRIVER_USD, ScriptedChat.call("s", "stop", "{}"));
    }
    return Answer.calls(
        DRIVER_IN,
        DRIVER_OUT,
        DRIVER_USD,
        ScriptedChat.call("a" + results.size(), "await_event", "{}"));
  }

  /** A worker that answers its task. */
  public static Answer workerAnswer(List<ChatMessage> conversation) {
    String task = "";
    for (ChatMessage m : conversation) {
      if ("user".equals(m.role())) {
        task = m.content();
      }
    }
    return Answer.text("answer to " + task, WORKER_IN, WORKER_OUT, WORKER_USD);
  }

  private static dev.tally.router.Usage usage() {
    return new dev.tally.router.Usage(DRIVER_IN, DRIVER_OUT);
  }
}
