package dev.tally.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a workflow input record from its JSON without ever throwing: whatever is wrong (not an
 * object, an unknown field such as a misspelt {@code wallCapMS}, text where a number belongs, a
 * fraction for an integer, a count beyond 64 bits) becomes a problem in words, naming the field,
 * what it expects and what it got. The workflow then refuses the input with its typed,
 * non-retryable failure instead of failing its first task with the JSON library's message (which
 * Temporal retries forever).
 *
 * @param <T> the record read
 */
public final class RecordReader<T extends Record> {
  /** Fields that are never on the wire, such as a record's own {@code inputProblems}. */
  private static final Set<String> NOT_ON_THE_WIRE = Set.of("inputProblems");

  private final Class<T> type;
  private final String what;
  private final String root;
  private final Map<String, Class<? extends Record>> nested;
  private final Map<String, String> nestedNames;
  private final Set<String> unlisted;

  /**
   * A reader of {@code type}.
   *
   * @param what how messages name the record, e.g. {@code DelegationRequest}
   * @param root how messages name the whole value and prefix its fields: {@code ""} for a workflow
   *     input (fields bare, the whole value {@code request}), {@code feedback} for a signal or
   *     update argument ({@code feedback.score})
   * @param nested record-valued fields whose own unknown fields are refused too, by field name
   */
  public RecordReader(
      Class<T> type, String what, String root, Map<String, Class<? extends Record>> nested) {
    this(type, what, root, nested, Map.of(), Set.of());
  }

  /**
   * A reader of {@code type} whose messages name some nested records otherwise, or leave some
   * fields unsaid.
   *
   * @param nested record-valued fields whose own unknown fields are refused too, checked in this
   *     map's order
   * @param nestedNames how messages name a nested record, by field (default: its class's name)
   * @param unlisted fields that are read but not offered in an unknown-field message (a field the
   *     workflow sets for itself)
   */
  public RecordReader(
      Class<T> type,
      String what,
      String root,
      Map<String, Class<? extends Record>> nested,
      Map<String, String> nestedNames,
      Set<String> unlisted) {
    this.type = Objects.requireNonNull(type, "type");
    this.what = Objects.requireNonNull(what, "what");
    this.root = Objects.requireNonNull(root, "root");
    this.nested = Collections.unmodifiableMap(new LinkedHashMap<>(nested));
    this.nestedNames = Map.copyOf(nestedNames);
    this.unlisted = Set.copyOf(unlisted);
  }

  /**
   * What was read: the bound value (null when nothing could be bound) and every problem found.
   *
   * @param <T> the record read
   */
  public record Reading<T>(T value, List<String> problems) {
    public Reading {
      problems = List.copyOf(problems);
    }
  }

  /** The record in {@code json} and what is wrong with it; never throws. */
  public Reading<T> read(ObjectMapper mapper, byte[] json) {
    String whole = root.isEmpty() ? "request" : root;
    String prefix = root.isEmpty() ? "" : root + ".";
    JsonNode tree;
    try {
      tree = mapper.readTree(json);
    } catch (IOException e) {
      return new Reading<>(
          null,
          List.of(whole + ": expected a JSON object (a " + what + "), got text that is not JSON"));
    }
    if (tree == null || !tree.isObject()) {
      return new Reading<>(
          null, List.of(whole + ": expected a JSON object (a " + what + "), got " + kind(tree)));
    }
    List<String> problems = new ArrayList<>();
    unknownFields(tree, prefix, fieldsOf(type), what, problems);
    nested.forEach(
        (field, fieldType) -> {
          JsonNode value = tree.get(field);
          if (value != null && value.isObject()) {
            unknownFields(
                value,
                prefix + field + ".",
                fieldsOf(fieldType),
                nestedNames.getOrDefault(field, fieldType.getSimpleName()),
                problems);
          }
        });
    try {
      return new Reading<>(mapper.treeToValue(tree, type), problems);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(describe(e, tree, whole, prefix));
      return new Reading<>(null, problems);
    }
  }

  private static Set<String> fieldsOf(Class<? extends Record> type) {
    Set<String> out = new TreeSet<>();
    Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .filter(n -> !NOT_ON_THE_WIRE.contains(n))
        .forEach(out::add);
    return out;
  }

  private void unknownFields(
      JsonNode object, String prefix, Set<String> known, String what, List<String> problems) {
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                String hint =
                    known.stream()
                        .filter(k -> k.equalsIgnoreCase(name))
                        .findFirst()
                        .map(k -> " (did you mean \"" + k + "\"?)")
                        .orElse("");
                problems.add(
                    prefix
                        + name
                        + ": unknown field"
                        + hint
                        + "; "
                        + what
                        + " fields are "
                        + String.join(
                            ", ", known.stream().filter(k -> !unlisted.contains(k)).toList()));
              }
            });
  }

  /** A binding failure in words: the field's path, what it expects, what it got. */
  private static String describe(Exception e, JsonNode tree, String whole, String prefix) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return whole + ": could not be read (" + firstLine(e.getMessage()) + ")";
    }
    StringBuilder path = new StringBuilder();
    JsonNode at = tree;
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        at = at == null ? null : at.get(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
        at = at == null ? null : at.get(r.getIndex());
      }
    }
    Class<?> target = null;
    if (e instanceof MismatchedInputException mi) {
      target = mi.getTargetType();
    } else if (e.getCause() instanceof InputCoercionException ic) {
      target = ic.getTargetType();
    } else if (at != null && at.isIntegralNumber()) {
      // A count beyond 64 bits: Jackson reports the overflow without naming the type.
      target = Long.class;
    }
    return prefix + path + ": expected " + expected(target) + ", got " + shown(at);
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == Long.class
        || type == long.class
        || type == Integer.class
        || type == int.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type == BigDecimal.class || type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object of strings";
    }
    return "an object (" + type.getSimpleName() + ")";
  }

  private static String shown(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String text = v.toString();
    return kind(v) + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
  }

  /** How a message names the kind of a JSON value: "the string", "a list", "null". */
  static String kind(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isIntegralNumber()) {
      return "the integer";
    }
    if (v.isNumber()) {
      return "the number";
    }
    return switch (v.getNodeType()) {
      case STRING -> "the string";
      case BOOLEAN -> "the boolean";
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
