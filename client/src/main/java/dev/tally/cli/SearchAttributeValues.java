package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import dev.tally.visibility.TallySearchKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tally's search attributes (and memo fields) as a visibility listing or describe returns them:
 * JSON payloads.
 */
final class SearchAttributeValues {
  private SearchAttributeValues() {}

  /** A keyword attribute, or null when the workflow has none. */
  static String text(WorkflowExecutionInfo info, String name) {
    JsonNode v = value(info, name);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** A numeric attribute, or null when the workflow has none. */
  static Double number(WorkflowExecutionInfo info, String name) {
    JsonNode v = value(info, name);
    return v != null && v.isNumber() ? v.asDouble() : null;
  }

  /** Every one of Tally's attributes the workflow has, by name, for JSON output. */
  static Map<String, Object> tallys(WorkflowExecutionInfo info) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : TallySearchKeys.NAMES) {
      JsonNode v = value(info, name);
      if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }

  private static JsonNode value(WorkflowExecutionInfo info, String name) {
    return json(info.getSearchAttributes().getIndexedFieldsMap().get(name));
  }

  /**
   * A JSON payload's value (search attributes and memos are stored so), or null when there is no
   * payload or it is not JSON (another SDK's encoding: the value is then left out).
   */
  static JsonNode json(Payload p) {
    if (p == null) {
      return null;
    }
    try {
      return Json.parse(p.getData().toStringUtf8());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
