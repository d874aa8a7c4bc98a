package dev.tally.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a reviewer's {@code CoderReview} from what it printed or replied: the whole text when it
 * is one JSON object, else the last line that is one, else the span from the last {@code {} that
 * parses. Fail-closed: anything unusable is a not-approved review whose notes say what was wrong.
 */
public final class CoderReviews {
  private CoderReviews() {}

  public static CoderReview parse(String text) {
    JsonNode review = find(text == null ? "" : text.strip());
    if (review == null) {
      return CoderReview.failed(
          "reviewer output: expected a CoderReview JSON object {approved, recommendation,"
              + " readiness, notes?}, got "
              + preview(text));
    }
    List<String> problems = new ArrayList<>();
    JsonNode approved = review.get("approved");
    if (approved == null || !approved.isBoolean()) {
      problems.add("approved: expected true or false, got " + describe(approved));
    }
    JsonNode rec = review.get("recommendation");
    if (rec == null || !rec.isTextual() || !CoderReview.RECOMMENDATIONS.contains(rec.asText())) {
      problems.add(
          "recommendation: expected one of "
              + new TreeSet<>(CoderReview.RECOMMENDATIONS)
              + ", got "
              + describe(rec));
    }
    JsonNode readiness = review.get("readiness");
    if (readiness == null
        || !readiness.isNumber()
        || readiness.asDouble() < 0
        || readiness.asDouble() > 1) {
      problems.add("readiness: expected a number in 0..1, got " + describe(readiness));
    }
    JsonNode notes = review.get("notes");
    if (!problems.isEmpty()) {
      return CoderReview.failed("reviewer output: " + String.join("; ", problems));
    }
    return new CoderReview(
        approved.asBoolean(),
        rec.asText(),
        readiness.asDouble(),
        notes != null && notes.isTextual() ? notes.asText() : null);
  }

  private static JsonNode find(String text) {
    JsonNode whole = object(text);
    if (whole != null) {
      return whole;
    }
    String[] lines = text.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      JsonNode line = object(lines[i].strip());
      if (line != null) {
        return line;
      }
    }
    int close = text.lastIndexOf('}');
    for (int open = text.lastIndexOf('{');
        open >= 0 && close > open;
        open = text.lastIndexOf('{', open - 1)) {
      JsonNode span = object(text.substring(open, close + 1));
      if (span != null) {
        return span;
      }
    }
    return null;
  }

  private static JsonNode object(String s) {
    if (!s.startsWith("{") || !s.endsWith("}")) {
      return null;
    }
    try {
      JsonNode n = Json.parse(s);
      return n != null && n.isObject() ? n : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(JsonNode v) {
    return v == null || v.isNull() ? "nothing" : preview(v.toString());
  }

  private static String preview(String s) {
    if (s == null || s.isBlank()) {
      return "nothing";
    }
    String flat = s.strip().replaceAll("\\s+", " ");
    return "'" + (flat.length() > 120 ? flat.substring(0, 117) + "..." : flat) + "'";
  }
}
