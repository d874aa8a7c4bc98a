package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.UnaryOperator;

/** Captured histories and small edits of them for export tests. */
final class Histories {
  private Histories() {}

  static String load(String name) {
    try {
      return Files.readString(Path.of("src/test/resources/histories/" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The history with the workflow's input replaced by {@code edit(input)}. */
  static String withInput(String historyJson, UnaryOperator<ObjectNode> edit) {
    JsonNode root = Json.parse(historyJson);
    ObjectNode payload =
        (ObjectNode)
            root.path("events")
                .get(0)
                .path("workflowExecutionStartedEventAttributes")
                .path("input")
                .path("payloads")
                .get(0);
    ObjectNode input =
        (ObjectNode)
            Json.parse(
                new String(
                    Base64.getDecoder().decode(payload.path("data").asText()),
                    StandardCharsets.UTF_8));
    ObjectNode edited = edit.apply(input);
    payload.put(
        "data",
        Base64.getEncoder()
            .encodeToString(Json.canonical(edited).getBytes(StandardCharsets.UTF_8)));
    return Json.canonical(root);
  }

  /** The history cut after its first {@code n} events: a run still open. */
  static String firstEvents(String historyJson, int n) {
    JsonNode root = Json.parse(historyJson);
    ArrayNode events = (ArrayNode) root.path("events");
    ArrayNode cut = Json.CANONICAL.createArrayNode();
    for (int i = 0; i < n && i < events.size(); i++) {
      cut.add(events.get(i));
    }
    ObjectNode out = Json.CANONICAL.createObjectNode();
    out.set("events", cut);
    return Json.canonical(out);
  }
}
