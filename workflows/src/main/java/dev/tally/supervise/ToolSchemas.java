package dev.tally.supervise;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Schemas of tool arguments in the form strict function calling accepts (the OpenAI-compatible
 * API's {@code strict} mode, the strictest any router applies): every object closed ({@code
 * additionalProperties: false}) with every property listed in {@code required}, an optional one
 * typed as also {@code null}, and only the keywords that mode knows ({@code type}, {@code enum},
 * {@code description}, {@code properties}, {@code required}, {@code additionalProperties}, {@code
 * items}, {@code anyOf}).
 */
final class ToolSchemas {
  private ToolSchemas() {}

  /** A closed object of these properties, in order; every one required. */
  static ObjectNode object(Map<String, ObjectNode> properties) {
    ObjectNode o = Json.CANONICAL.createObjectNode().put("type", "object");
    ObjectNode props = o.putObject("properties");
    ArrayNode required = o.putArray("required");
    properties.forEach(
        (name, schema) -> {
          props.set(name, schema);
          required.add(name);
        });
    o.put("additionalProperties", false);
    return o;
  }

  static ObjectNode string(String description) {
    return typed("string", description);
  }

  /** A value of {@code type} or null: how strict mode spells an optional field. */
  static ObjectNode optional(String type, String description) {
    ObjectNode o = Json.CANONICAL.createObjectNode();
    o.putArray("type").add(type).add("null");
    if (description != null) {
      o.put("description", description);
    }
    return o;
  }

  /** {@code schema} or null. */
  static ObjectNode optional(ObjectNode schema) {
    ObjectNode o = Json.CANONICAL.createObjectNode();
    o.putArray("anyOf").add(schema).addObject().put("type", "null");
    return o;
  }

  static ObjectNode enumOf(Iterable<String> values, String description) {
    ObjectNode o = string(description);
    ArrayNode e = o.putArray("enum");
    values.forEach(e::add);
    return o;
  }

  /** An ordered map of properties, for {@link #object}. */
  static Map<String, ObjectNode> props(Object... nameThenSchema) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSchema.length; i += 2) {
      out.put((String) nameThenSchema[i], (ObjectNode) nameThenSchema[i + 1]);
    }
    return out;
  }

  private static ObjectNode typed(String type, String description) {
    ObjectNode o = Json.CANONICAL.createObjectNode().put("type", type);
    if (description != null) {
      o.put("description", description);
    }
    return o;
  }
}
