package dev.tally.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outputs are content-addressed: {@code outRef = "sha256:" + hex(sha256(canonical JSON))}. */
class OutRefTest {

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void contentRef_mapsInDifferentKeyOrder_sameRef() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", Map.of("y", "2", "x", "1"));
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", Map.of("x", "1", "y", "2"));
    ba.put("a", 1);

    assertThat(Json.contentRef(ab)).isEqualTo(Json.contentRef(ba));
  }

  @Test
  void contentRef_treesDifferingInKeyOrderAndNulls_sameRefAtEveryDepth() {
    String one = "{\"b\":[{\"d\":1,\"c\":2}],\"a\":{\"z\":true,\"y\":null}}";
    String two = "{\"a\":{\"z\":true},\"b\":[{\"c\":2,\"d\":1}]}";

    assertThat(Json.contentRef(Json.parse(one))).isEqualTo(Json.contentRef(Json.parse(two)));
  }

  @Test
  void contentRef_anyValue_isSha256OfTheCanonicalText() throws Exception {
    Object value = Json.parse("{\"text\":\"answer\",\"score\":0.5,\"a\":[3,1,2]}");

    String canonical = Json.canonical(value);

    assertThat(canonical).isEqualTo("{\"a\":[3,1,2],\"score\":0.5,\"text\":\"answer\"}");
    assertThat(Json.contentRef(value)).isEqualTo("sha256:" + sha256Hex(canonical));
  }

  @Test
  void contentRef_differentContent_differentRef() {
    assertThat(Json.contentRef(Json.parse("{\"a\":[1,2]}")))
        .isNotEqualTo(Json.contentRef(Json.parse("{\"a\":[2,1]}")));
    assertThat(Json.contentRef("answer")).isNotEqualTo(Json.contentRef("answer."));
  }

  @Test
  void contentRef_recordAndEquivalentTree_sameRef() {
    Verdict verdict = new Verdict(true, 1.0, "ok");

    assertThat(Json.contentRef(verdict))
        .isEqualTo(Json.contentRef(Json.parse("{\"valid\":true,\"notes\":\"ok\",\"score\":1.0}")))
        .matches("sha256:[0-9a-f]{64}");
  }
}
