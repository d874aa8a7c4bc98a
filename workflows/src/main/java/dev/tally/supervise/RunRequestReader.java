package dev.tally.supervise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.ledger.Budget;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@code SupervisedRun} input from its JSON without ever failing: whatever is wrong (not an
 * object, an unknown field such as a misspelt {@code maxUSD}, text where a number belongs, a
 * fraction for an integer) becomes an input problem in words, which {@link RunRequestRules} turns
 * into the typed, non-retryable {@code InvalidRunRequest} naming the field. A workflow input that
 * cannot be read would otherwise fail with the JSON library's message, or not at all.
 */
public final class RunRequestReader {
  private RunRequestReader() {}

  /** The request in {@code json}, with its input problems attached when there are any. */
  public static RunRequest read(ObjectMapper mapper, byte[] json) {
    JsonNode tree;
    try {
      tree = mapper.readTree(json);
    } catch (IOException e) {
      return invalid(
          List.of("request: expected a JSON object (a RunRequest), got text that is not JSON"));
    }
    if (tree == null || !tree.isObject()) {
      return invalid(List.of("request: expected a JSON object (a RunRequest), got " + kind(tree)));
    }
    List<String> problems = new ArrayList<>();
    unknownFields(tree, "", fieldsOf(RunRequest.class), "RunRequest", problems);
    for (String field : List.of("budget", "perWorker")) {
      JsonNode b = tree.get(field);
      if (b != null && b.isObject()) {
        unknownFields(b, field + ".", fieldsOf(Budget.class), "Budget", problems);
      }
    }
    JsonNode driver = tree.get("driver");
    if (driver != null && driver.isObject()) {
      unknownFields(driver, "driver.", fieldsOf(DriverSettings.class), "driver", problems);
    }
    JsonNode judge = tree.get("judge");
    if (judge != null && judge.isObject()) {
      unknownFields(judge, "judge.", fieldsOf(JudgeSettings.class), "judge", problems);
    }
    RunRequest bound;
    try {
      bound = mapper.treeToValue(tree, RunRequest.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(describe(e, tree));
      return invalid(problems);
    }
    return problems.isEmpty() ? bound : bound.withInputProblems(problems);
  }

  private static RunRequest invalid(List<String> problems) {
    return new RunRequest(null, null, null, null, null, null, null, null, null)
        .withInputProblems(problems);
  }

  private static Set<String> fieldsOf(Class<? extends Record> type) {
    Set<String> out = new TreeSet<>();
    Arrays.stream(type.getRecordComponents())
        .map(RecordComponent::getName)
        .filter(n -> !"inputProblems".equals(n))
        .forEach(out::add);
    return out;
  }

  private static void unknownFields(
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
                            ", ",
                            // carried is the run's own, set when it continues-as-new: not a
                            // field to offer a client.
                            known.stream().filter(k -> !"carried".equals(k)).toList()));
              }
            });
  }

  /** A binding failure in words: the field's path, what it expects, what it got. */
  private static String describe(Exception e, JsonNode tree) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return "request: could not be read (" + firstLine(e.getMessage()) + ")";
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
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi) {
      target = mi.getTargetType();
    } else if (e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException ic) {
      target = ic.getTargetType();
    } else if (at != null && at.isIntegralNumber()) {
      // A count beyond 64 bits: Jackson reports the overflow without naming the type.
      target = Long.class;
    }
    return path + ": expected " + expected(target) + ", got " + shown(at);
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
    return "an object (" + type.getSimpleName() + ")";
  }

  private static String shown(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String text = v.toString();
    return kind(v) + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
  }

  private static String kind(JsonNode v) {
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
