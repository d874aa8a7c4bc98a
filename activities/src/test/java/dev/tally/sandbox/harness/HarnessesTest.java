package dev.tally.sandbox.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HarnessesTest {
  @Test
  void parse_namesAndDefault_findsEachAndTheDefaultForNoName() {
    Harnesses h =
        Harnesses.parse(
            "{\"claude-code\": \"claude -p --output-format json\","
                + " \"codex\": {\"command\": \"codex exec --json\", \"usage\": \"codex\"},"
                + " \"opencode/glm\": \"opencode run\"}",
            "my-agent");

    assertThat(h.names()).containsExactly("claude-code", "codex", "default", "opencode/glm");
    assertThat(h.find(null).orElseThrow().command()).isEqualTo("my-agent");
    assertThat(h.find("claude-code").orElseThrow().decoder().name()).isEqualTo("claude-code");
    assertThat(h.find("codex").orElseThrow().decoder().name()).isEqualTo("codex");
    assertThat(h.find("opencode/glm").orElseThrow().decoder().name()).isEqualTo("tally-usage-file");
    assertThat(h.find("nope")).isEmpty();
  }

  @Test
  void parse_noDefault_findsNothingForNoName() {
    Harnesses h = Harnesses.parse("{\"a\": \"x\"}", null);

    assertThat(h.find(null)).isEmpty();
    assertThat(h.isEmpty()).isFalse();
  }

  @Test
  void parse_badEntries_namesEachOne() {
    assertThatThrownBy(
            () ->
                Harnesses.parse(
                    "{\"a\": 3, \"b\": {\"command\": \"x\", \"usage\": \"gemini\"}, \"bad name\": \"x\"}",
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TALLY_HARNESSES: ")
        .hasMessageContaining("a: expected a command string or {command, usage?}, got 3")
        .hasMessageContaining(
            "b.usage: expected one of [claude-code, codex, tally-usage-file], got \"gemini\"")
        .hasMessageContaining("name 'bad name'");
  }

  @Test
  void parse_notAnObject_fails() {
    assertThatThrownBy(() -> Harnesses.parse("[\"claude\"]", null))
        .hasMessage(
            "TALLY_HARNESSES: expected a non-empty JSON object of name -> command, got '[\"claude\"]'");
    assertThatThrownBy(() -> Harnesses.parse("{oops", null))
        .hasMessageStartingWith(
            "TALLY_HARNESSES: expected a JSON object of name -> command, got not JSON");
  }
}
