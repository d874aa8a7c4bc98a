package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void redact_commonSecretShapes_areReplaced() {
    assertThat(Redactor.redact("Authorization: Bearer abcdef123456"))
        .isEqualTo("Authorization: Bearer [redacted]");
    assertThat(Redactor.redact("key sk-proj-ABCDEFGH12345678 used"))
        .isEqualTo("key [redacted] used");
    assertThat(Redactor.redact("api_key=live_123456&x=1")).isEqualTo("api_key=[redacted]&x=1");
    assertThat(Redactor.redact("{\"token\": \"t0k3n\"}")).isEqualTo("{\"token\": \"[redacted]\"}");
    assertThat(Redactor.redact("https://me:pw@host/p")).isEqualTo("https://[redacted]@host/p");
  }

  @Test
  void redact_ordinaryText_isUnchanged() {
    String text = "spawned 3 workers; 1200 input tokens, tokensLeft 800; score 0.9";

    assertThat(Redactor.redact(text)).isEqualTo(text);
  }

  @Test
  void scrub_secretNamedFields_areBlankedButCountsKept() {
    ObjectNode node = Json.CANONICAL.createObjectNode();
    node.put("apiKey", "anything at all");
    node.put("token", "abc");
    node.put("inputTokens", 42);
    node.put("tokensLeft", 7);
    node.putObject("nested").put("password", "p").put("note", "Bearer zzzzzz999999");

    Redactor.scrub(node);

    assertThat(node.path("apiKey").asText()).isEqualTo("[redacted]");
    assertThat(node.path("token").asText()).isEqualTo("[redacted]");
    assertThat(node.path("inputTokens").asInt()).isEqualTo(42);
    assertThat(node.path("tokensLeft").asInt()).isEqualTo(7);
    assertThat(node.path("nested").path("password").asText()).isEqualTo("[redacted]");
    assertThat(node.path("nested").path("note").asText()).isEqualTo("Bearer [redacted]");
  }
}
