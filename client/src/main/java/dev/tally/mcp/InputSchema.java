package dev.tally.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One tool's arguments described once: the JSON schema {@code tools/list} advertises and the checks
 * a call's arguments go through are both generated from it, so they cannot disagree.
 *
 * <p>The checks are Tally's own rather than a generic JSON-schema validator's because the calling
 * agent needs each problem as {@code field: expected X, got Y}, and every problem at once.
 */
final class InputSchema {
  private final ObjectShape root;

  private InputSchema(ObjectShape root) {
    this.root = root;
  }

  static InputSchema of(Field... fields) {
    return new InputSchema(new ObjectShape(List.of(fields)));
  }

  /** The JSON schema: an object with {@code additionalProperties: false}. */
  Map<String, Object> json() {
    return root.schema();
  }

  /** Every problem with {@code arguments}; empty when they are valid. */
  List<Problem> problems(JsonNode arguments) {
    List<Problem> out = new ArrayList<>();
    root.check("", arguments, out);
    return out;
  }

  /** A named parameter. */
  record Field(String name, Shape shape, boolean required, String description) {
    Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(description, "description");
    }

    static Field required(String name, Shape shape, String description) {
      return new Field(name, shape, true, description);
    }

    static Field optional(String name, Shape shape, String description) {
      return new Field(name, shape, false, description);
    }
  }

  /** What a value must look like, and how to say so. */
  interface Shape {
    Map<String, Object> schema();

    /** What a valid value is, in words. */
    String expected();

    void check(String path, JsonNode value, List<Problem> out);
  }

  /** A non-blank string, optionally one of a fixed set. */
  static Shape text() {
    return new TextShape(List.of());
  }

  static Shape oneOf(String... values) {
    return new TextShape(List.of(values));
  }

  /** An integer in {@code min..max}. */
  static Shape integer(long min, long max) {
    return new NumberShape(true, min, max);
  }

  /** A number in {@code min..max}. */
  static Shape number(double min, double max) {
    return new NumberShape(false, min, max);
  }

  static Shape bool() {
    return new BoolShape();
  }

  /** An array of non-blank strings, each one of {@code allowed} when it is given. */
  static Shape textList(String... allowed) {
    return new TextListShape(List.of(allowed));
  }

  /** An object with exactly these fields (no others). */
  static Shape object(Field... fields) {
    return new ObjectShape(List.of(fields));
  }

  /** A string or a JSON object (a task given as prose or as structured input). */
  static Shape textOrObject() {
    return new TextOrObjectShape();
  }

  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isNull()) {
      return "null";
    }
    String text = value.toString();
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    String kind =
        value.isTextual()
            ? "a string"
            : value.isBoolean()
                ? "a boolean"
                : value.isNumber()
                    ? "a number"
                    : value.isArray() ? "an array" : value.isObject() ? "an object" : "a value";
    return text + " (" + kind + ")";
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private record TextShape(List<String> allowed) implements Shape {
    @Override
    public Map<String, Object> schema() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("type", "string");
      if (allowed.isEmpty()) {
        s.put("minLength", 1);
      } else {
        s.put("enum", allowed);
      }
      return s;
    }

    @Override
    public String expected() {
      return allowed.isEmpty() ? "a non-blank string" : "one of " + allowed;
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      boolean ok =
          value.isTextual()
              && !value.asText().isBlank()
              && (allowed.isEmpty() || allowed.contains(value.asText()));
      if (!ok) {
        out.add(new Problem(path, expected(), describe(value)));
      }
    }
  }

  private record NumberShape(boolean integral, double min, double max) implements Shape {
    @Override
    public Map<String, Object> schema() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("type", integral ? "integer" : "number");
      s.put("minimum", integral ? (Object) (long) min : (Object) min);
      if (max < Long.MAX_VALUE) {
        s.put("maximum", integral ? (Object) (long) max : (Object) max);
      }
      return s;
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      boolean ok =
          value.isNumber()
              && (!integral || value.isIntegralNumber() || value.asDouble() % 1 == 0)
              && value.asDouble() >= min
              && value.asDouble() <= max;
      if (!ok) {
        out.add(new Problem(path, expected(), describe(value)));
      }
    }

    @Override
    public String expected() {
      String range =
          max >= Long.MAX_VALUE ? ">= " + format(min) : "in " + format(min) + ".." + format(max);
      return (integral ? "an integer " : "a number ") + range;
    }

    private String format(double d) {
      return integral || d % 1 == 0 ? Long.toString((long) d) : Double.toString(d);
    }
  }

  private record BoolShape() implements Shape {
    @Override
    public Map<String, Object> schema() {
      return Map.of("type", "boolean");
    }

    @Override
    public String expected() {
      return "true or false";
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      if (!value.isBoolean()) {
        out.add(new Problem(path, "true or false", describe(value)));
      }
    }
  }

  private record TextListShape(List<String> allowed) implements Shape {
    @Override
    public Map<String, Object> schema() {
      Map<String, Object> items = new LinkedHashMap<>();
      items.put("type", "string");
      if (allowed.isEmpty()) {
        items.put("minLength", 1);
      } else {
        items.put("enum", allowed);
      }
      return Map.of("type", "array", "items", items);
    }

    @Override
    public String expected() {
      return allowed.isEmpty() ? "an array of strings" : "an array of " + allowed;
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      if (!value.isArray()) {
        out.add(new Problem(path, expected(), describe(value)));
        return;
      }
      TextShape item = new TextShape(allowed);
      for (int i = 0; i < value.size(); i++) {
        item.check(path + "[" + i + "]", value.get(i), out);
      }
    }
  }

  private record TextOrObjectShape() implements Shape {
    @Override
    public Map<String, Object> schema() {
      return Map.of("type", List.of("string", "object"));
    }

    @Override
    public String expected() {
      return "a non-blank string or a JSON object";
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      boolean ok = (value.isTextual() && !value.asText().isBlank()) || value.isObject();
      if (!ok) {
        out.add(new Problem(path, expected(), describe(value)));
      }
    }
  }

  private record ObjectShape(List<Field> fields) implements Shape {
    @Override
    public Map<String, Object> schema() {
      Map<String, Object> properties = new LinkedHashMap<>();
      List<String> required = new ArrayList<>();
      for (Field f : fields) {
        Map<String, Object> p = new LinkedHashMap<>(f.shape().schema());
        p.put("description", f.description());
        properties.put(f.name(), p);
        if (f.required()) {
          required.add(f.name());
        }
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("type", "object");
      s.put("properties", properties);
      if (!required.isEmpty()) {
        s.put("required", required);
      }
      s.put("additionalProperties", false);
      return s;
    }

    @Override
    public String expected() {
      return "an object with " + fields.stream().map(Field::name).toList();
    }

    @Override
    public void check(String path, JsonNode value, List<Problem> out) {
      if (value == null || !value.isObject()) {
        out.add(new Problem(path.isEmpty() ? "arguments" : path, expected(), describe(value)));
        return;
      }
      List<String> names = fields.stream().map(Field::name).toList();
      value
          .fieldNames()
          .forEachRemaining(
              n -> {
                if (!names.contains(n)) {
                  out.add(
                      new Problem(
                          join(path, n),
                          "no such field (allowed: " + String.join(", ", names) + ")",
                          describe(value.get(n))));
                }
              });
      for (Field f : fields) {
        JsonNode v = value.get(f.name());
        if (v == null || v.isNull()) {
          if (f.required()) {
            out.add(
                new Problem(
                    join(path, f.name()), f.shape().expected() + " (required)", describe(v)));
          }
          continue;
        }
        f.shape().check(join(path, f.name()), v, out);
      }
    }
  }
}
