package dev.tally.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one JSON setup Tally uses for content addresses and wire bodies: keys sorted, nulls dropped,
 * decimals exact. Deterministic, so safe inside workflow code.
 */
public final class Json {
  /** Canonical form: sorted keys, no nulls, no insignificant whitespace. */
  public static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  private Json() {}

  /** The canonical JSON text of {@code value}. */
  public static String canonical(Object value) {
    try {
      // Going through a tree sorts the keys of nested JsonNode objects too.
      JsonNode tree = CANONICAL.valueToTree(value);
      return CANONICAL.writeValueAsString(sortedTree(tree));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code "sha256:" + hex(sha256(canonical JSON))}, the content address of an output. */
  public static String contentRef(Object value) {
    return sha256Ref(canonical(value).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code "sha256:" + hex(sha256(bytes))}. */
  public static String sha256Ref(byte[] bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(digest.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** Parses JSON text into a tree. */
  public static JsonNode parse(String text) {
    try {
      return CANONICAL.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Converts a tree or map into a record type. */
  public static <T> T convert(Object from, Class<T> type) {
    return CANONICAL.convertValue(from, type);
  }

  private static JsonNode sortedTree(JsonNode node) {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode sorted = CANONICAL.createObjectNode();
      java.util.List<String> names = new java.util.ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      java.util.Collections.sort(names);
      for (String n : names) {
        if (!node.get(n).isNull()) {
          sorted.set(n, sortedTree(node.get(n)));
        }
      }
      return sorted;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode arr = CANONICAL.createArrayNode();
      node.forEach(e -> arr.add(sortedTree(e)));
      return arr;
    }
    return node;
  }
}
