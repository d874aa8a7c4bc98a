package dev.tally.research;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a research turn's answer as {@code {answer, facts, sources}}. The JSON is taken from the
 * whole answer when it is one object, else from its last fenced {@code ```json} block (agents like
 * to wrap it), else from the first {@code {} to the last {@code }}. Anything else is a {@link
 * MalformedResearchResult} naming the field, what was expected and what was got: a malformed result
 * is never accepted as a blob.
 */
public final class ResearchFindingsParser {
  private static final Pattern FENCE =
      Pattern.compile("```(?:json)?\\s*\\n(.*?)```", Pattern.DOTALL);

  private ResearchFindingsParser() {}

  public static ResearchFindings parse(String text) {
    if (text == null || text.isBlank()) {
      throw new MalformedResearchResult(
          "research result: expected a JSON object {answer, facts, sources}, got nothing");
    }
    JsonNode root = readObject(extract(text.strip()));
    List<String> problems = new ArrayList<>();
    JsonNode answer = root.get("answer");
    if (answer == null || !answer.isTextual() || answer.asText().isBlank()) {
      problems.add("answer: expected a non-blank string, got " + describe(answer));
    }
    JsonNode facts = root.get("facts");
    if (facts == null || !facts.isArray()) {
      problems.add("facts: expected an array of facts, got " + describe(facts));
    } else {
      for (int i = 0; i < facts.size(); i++) {
        fact(problems, "facts[" + i + "]", facts.get(i));
      }
    }
    JsonNode sources = root.get("sources");
    if (sources != null && !sources.isNull()) {
      if (!sources.isArray()) {
        problems.add(
            "sources: expected an array of {ref, title?, url?, text?}, got " + describe(sources));
      } else {
        for (int i = 0; i < sources.size(); i++) {
          JsonNode s = sources.get(i);
          String where = "sources[" + i + "]";
          if (!s.isObject()) {
            problems.add(
                where + ": expected an object {ref, title?, url?, text?}, got " + describe(s));
            continue;
          }
          for (String field : List.of("ref", "title", "url", "text")) {
            optionalText(problems, where + "." + field, s.get(field));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MalformedResearchResult("research result: " + String.join("; ", problems));
    }
    return Json.convert(root, ResearchFindings.class);
  }

  private static void fact(List<String> problems, String where, JsonNode f) {
    if (!f.isObject()) {
      problems.add(
          where
              + ": expected an object {claim, value?, verbatimPassage, sourceText | sourceRef, citation?}, got "
              + describe(f));
      return;
    }
    for (String field :
        List.of("claim", "verbatimPassage", "sourceText", "sourceRef", "citation")) {
      optionalText(problems, where + "." + field, f.get(field));
    }
    JsonNode value = f.get("value");
    if (value != null && !value.isNull() && !value.isTextual() && !value.isNumber()) {
      problems.add(where + ".value: expected a string or a number, got " + describe(value));
    }
  }

  private static void optionalText(List<String> problems, String field, JsonNode v) {
    if (v != null && !v.isNull() && !v.isTextual()) {
      problems.add(field + ": expected a string, got " + describe(v));
    }
  }

  private static String extract(String text) {
    if (text.startsWith("{")) {
      return text;
    }
    Matcher m = FENCE.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    if (last != null) {
      return last.strip();
    }
    int open = text.indexOf('{');
    int close = text.lastIndexOf('}');
    if (open < 0 || close < open) {
      throw new MalformedResearchResult(
          "research result: expected a JSON object {answer, facts, sources}, got text without one: "
              + preview(text));
    }
    return text.substring(open, close + 1);
  }

  private static JsonNode readObject(String json) {
    JsonNode root;
    try {
      root = Json.CANONICAL.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedResearchResult(
          "research result: not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedResearchResult(
          "research result: expected a JSON object {answer, facts, sources}, got "
              + describe(root));
    }
    return root;
  }

  private static String describe(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "nothing";
    }
    return preview(v.toString());
  }

  private static String preview(String s) {
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() > 80 ? "'" + flat.substring(0, 77) + "...'" : "'" + flat + "'";
  }
}
