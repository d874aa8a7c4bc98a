package dev.tally.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes the router key (and any bearer token) out of a completion before anything is stored,
 * returned or printed: a model can be talked into echoing what it was sent, and the completion goes
 * into the conversation store, workflow history and the CLI.
 */
final class CompletionRedactor {
  private final RouterFailures redactor;

  CompletionRedactor(String apiKey) {
    this.redactor = new RouterFailures(apiKey, Clock.systemUTC());
  }

  ChatCompletion redact(ChatCompletion c) {
    List<ToolCall> calls = new ArrayList<>();
    for (ToolCall t : c.toolCalls()) {
      calls.add(new ToolCall(t.id(), redactor.redact(t.name()), arguments(t.arguments())));
    }
    return new ChatCompletion(
        redactor.redact(c.content()), calls, c.usage(), c.billedCostUsd(), c.model());
  }

  private JsonNode arguments(JsonNode arguments) {
    if (arguments == null) {
      return null;
    }
    String text = Json.canonical(arguments);
    String clean = redactor.redact(text);
    // The replacement holds no quote or backslash, so the JSON stays well formed.
    return clean.equals(text) ? arguments : Json.parse(clean);
  }
}
