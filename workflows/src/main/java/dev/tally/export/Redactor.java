package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes provider secrets from text that leaves Tally: bearer tokens, {@code sk-} style keys,
 * {@code key=value} credentials, and any field whose name says it holds a secret. Free text (a
 * reason, a label, an error message) can quote a header or a URL, so everything exported passes
 * through here.
 */
public final class Redactor {
  /** What a redacted secret is replaced with. */
  public static final String REDACTED = "[redacted]";

  private static final Pattern BEARER =
      Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");
  private static final Pattern KEY_LIKE =
      Pattern.compile("\\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}|\\b(ghp|gho|xox[abp])_?[A-Za-z0-9_-]{10,}");
  private static final Pattern ASSIGNED =
      Pattern.compile(
          "(?i)\\b([a-z0-9_-]*(?:api[_-]?key|secret|password|passwd|token|authorization"
              + "|credential)[a-z0-9_-]*)(\"?\\s*[:=]\\s*\"?)"
              // Not a value already redacted, nor the scheme word of a redacted bearer token.
              + "(?!\\[redacted\\])(?!(?:bearer|basic)\\s)([^\\s\"',;&]+)");
  private static final Pattern URL_USERINFO = Pattern.compile("(?i)(https?://)[^/@\\s]+@");
  private static final Pattern SECRET_FIELD =
      Pattern.compile(
          "(?i).*(api[_-]?key|secret|password|passwd|authorization|credential|bearer).*"
              + "|(?i)(access[_-]?|auth[_-]?|refresh[_-]?|id[_-]?)?token");

  private Redactor() {}

  /** {@code text} with every secret-looking part replaced by {@value #REDACTED}. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = BEARER.matcher(text).replaceAll("$1 " + REDACTED);
    out = KEY_LIKE.matcher(out).replaceAll(REDACTED);
    out = ASSIGNED.matcher(out).replaceAll("$1$2" + REDACTED);
    out = URL_USERINFO.matcher(out).replaceAll("$1" + REDACTED + "@");
    return out;
  }

  /** Whether a field of this name holds a secret whatever its value looks like. */
  public static boolean secretField(String name) {
    return SECRET_FIELD.matcher(name).matches();
  }

  /** Redacts every string in {@code node}, in place, and blanks every secret-named text field. */
  public static JsonNode scrub(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (value.isTextual() && secretField(name)) {
          object.put(name, REDACTED);
        } else if (value.isTextual()) {
          object.set(name, TextNode.valueOf(redact(value.asText())));
        } else {
          scrub(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode value = array.get(i);
        if (value.isTextual()) {
          array.set(i, TextNode.valueOf(redact(value.asText())));
        } else {
          scrub(value);
        }
      }
    }
    return node;
  }
}
