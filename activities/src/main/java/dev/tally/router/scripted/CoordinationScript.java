package dev.tally.router.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.supervise.Toolsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides the scripted router's answer from the conversation alone. It keeps no state between
 * requests, so any number of runs, retries and worker processes can share one router: everything it
 * needs (what it already asked for, what the tools answered) is in the messages it is sent.
 *
 * <p>A request that offers tools is a coordination driver: spawn {@code workers} chat workers in
 * one reply, call {@code await_event} until every admitted worker has settled (and at least {@code
 * minAwaits} times), call {@code stop}, and after the stop result answer in plain text. A request
 * without tools is a chat worker, answered with text derived from its task.
 */
final class CoordinationScript {
  private static final String PREFIX_SPACE = ScriptedRouter.PREFIX + " ";

  private static final String FILLER =
      "This filler stands in for the reasoning a real model would write at this point. ";

  private final int workers;
  private final int minAwaits;
  private final int fillerChars;

  CoordinationScript(int workers, int minAwaits, int fillerChars) {
    this.workers = workers;
    this.minAwaits = minAwaits;
    this.fillerChars = fillerChars;
  }

  /**
   * The answer to a request with these wire {@code messages}; {@code driver} if it offered tools.
   */
  ScriptedReply answer(JsonNode messages, boolean driver) {
    return driver ? driverTurn(messages) : workerAnswer(messages);
  }

  private ScriptedReply driverTurn(JsonNode messages) {
    Transcript t = Transcript.of(messages);
    String turnId = "t" + (t.budgetTurn >= 0 ? t.budgetTurn : t.assistantTurns);
    if (t.stopAnswered) {
      return new ScriptedReply(
          text(
              "Stopped after "
                  + t.settled
                  + " of "
                  + t.spawnedOk
                  + " worker(s) settled. This coordination was scripted; the best delivered"
                  + " worker output wins."),
          List.of());
    }
    if (t.toolResults == 0 && workers > 0) {
      List<ScriptedReply.Call> spawns = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        ObjectNode args =
            Json.CANONICAL
                .createObjectNode()
                .put("profile", "chat")
                .put("label", "w" + i)
                .put("task", "Part " + i + " of " + workers + " of: " + t.task);
        spawns.add(
            new ScriptedReply.Call(
                "call_" + turnId + "_" + i, Toolsets.SPAWN_WORKER, Json.canonical(args)));
      }
      return new ScriptedReply(
          text("Spawning " + workers + " chat worker(s) for the task."), spawns);
    }
    boolean waitingForWorkers = t.settled < t.spawnedOk && !t.lastAwaitIdle;
    // A long conversation reaches the model windowed: the budget line's turn counts what the
    // window no longer shows (every turn awaited, but the first when it spawned).
    int awaits = Math.max(t.awaits, workers > 0 ? t.budgetTurn - 1 : t.budgetTurn);
    if (awaits < minAwaits || waitingForWorkers) {
      return new ScriptedReply(
          text(
              "Awaiting the next worker event ("
                  + t.settled
                  + " of "
                  + t.spawnedOk
                  + " settled so far)."),
          List.of(new ScriptedReply.Call("call_" + turnId + "_1", Toolsets.AWAIT_EVENT, "{}")));
    }
    ObjectNode stop =
        Json.CANONICAL
            .createObjectNode()
            .put("reason", "scripted: " + t.settled + " worker(s) settled");
    return new ScriptedReply(
        text("Every worker has settled; stopping."),
        List.of(
            new ScriptedReply.Call("call_" + turnId + "_1", Toolsets.STOP, Json.canonical(stop))));
  }

  private ScriptedReply workerAnswer(JsonNode messages) {
    String task = lastUserText(messages);
    String[] words = task.trim().isEmpty() ? new String[0] : task.trim().split("\\s+");
    List<String> keyTerms = new ArrayList<>();
    for (String w : words) {
      String term = w.replaceAll("[^\\p{L}\\p{N}-]", "").toLowerCase(Locale.ROOT);
      if (term.length() >= 5 && !keyTerms.contains(term) && keyTerms.size() < 3) {
        keyTerms.add(term);
      }
    }
    String digest = Json.sha256Ref(task.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new ScriptedReply(
        PREFIX_SPACE
            + "This answer is scripted: no language model was called. Task: \""
            + excerpt(task, 200)
            + "\". Scripted answer: the task has "
            + words.length
            + " word(s)"
            + (keyTerms.isEmpty() ? "" : "; its key terms are " + String.join(", ", keyTerms))
            + "; fingerprint "
            + digest.substring("sha256:".length(), "sha256:".length() + 12)
            + ".",
        List.of());
  }

  private String text(String sentence) {
    String base = PREFIX_SPACE + sentence;
    if (base.length() >= fillerChars) {
      return base;
    }
    StringBuilder b = new StringBuilder(base);
    while (b.length() < fillerChars) {
      b.append(' ').append(FILLER);
    }
    return b.substring(0, fillerChars);
  }

  private static String lastUserText(JsonNode messages) {
    String last = "";
    for (JsonNode m : messages) {
      if ("user".equals(m.path("role").asText()) && m.path("content").isTextual()) {
        last = m.path("content").asText();
      }
    }
    return last;
  }

  private static String excerpt(String s, int max) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() > max ? flat.substring(0, max) + "..." : flat;
  }

  /** What a driver conversation says so far. */
  /** How Tally's budget line starts (see {@code BudgetLine} in supervise). */
  static final String BUDGET_LINE = "[tally budget]";

  private static final class Transcript {
    String task = "";
    int assistantTurns;
    int toolResults;
    int awaits;
    int spawnedOk;
    int settled;
    boolean lastAwaitIdle;
    boolean stopAnswered;

    /** The driver's turn as Tally's budget line gives it, or -1 when the request had none. */
    int budgetTurn = -1;

    static Transcript of(JsonNode messages) {
      Transcript t = new Transcript();
      Map<String, String> toolOfCall = new HashMap<>();
      boolean firstUser = true;
      for (JsonNode m : messages) {
        String role = m.path("role").asText();
        String content = m.path("content").asText();
        int line = content.indexOf(BUDGET_LINE);
        if (line >= 0) {
          // Tally puts its budget line after the last message: read it, then the message itself.
          t.budgetTurn = budgetField(content.substring(line), "turn");
          content = content.substring(0, line).stripTrailing();
        }
        switch (role) {
          case "user" -> {
            if (firstUser && m.path("content").isTextual()) {
              t.task = content;
              firstUser = false;
            }
          }
          case "assistant" -> {
            t.assistantTurns++;
            for (JsonNode call : m.path("tool_calls")) {
              String name = call.path("function").path("name").asText();
              toolOfCall.put(call.path("id").asText(), name);
              if (Toolsets.AWAIT_EVENT.equals(name)) {
                t.awaits++;
              }
            }
          }
          case "tool" -> {
            t.toolResults++;
            String tool = toolOfCall.getOrDefault(m.path("tool_call_id").asText(), "");
            JsonNode result = parseQuietly(content);
            if (Toolsets.SPAWN_WORKER.equals(tool) && result.hasNonNull("workerId")) {
              t.spawnedOk++;
            } else if (Toolsets.AWAIT_EVENT.equals(tool)) {
              t.lastAwaitIdle = result.path("idle").asBoolean(false);
              if ("settled".equals(result.path("type").asText())) {
                t.settled++;
              }
            } else if (Toolsets.STOP.equals(tool)) {
              t.stopAnswered = true;
            }
          }
          default -> {
            // System messages carry nothing the script reads.
          }
        }
      }
      return t;
    }

    /** The number before the {@code /} of {@code name=N/M} in a budget line, or -1. */
    private static int budgetField(String line, String name) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static JsonNode parseQuietly(String text) {
      try {
        JsonNode n = Json.parse(text);
        return n == null ? Json.CANONICAL.createObjectNode() : n;
      } catch (IllegalArgumentException e) {
        return Json.CANONICAL.createObjectNode();
      }
    }
  }
}
