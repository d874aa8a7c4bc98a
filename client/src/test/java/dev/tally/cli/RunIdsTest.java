package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  @Test
  void newId_readableSlugAndRandomSuffix() {
    String id = RunIds.newId("Name three ways to cut LLM agent costs!", new Random(1));

    assertThat(id).matches("run-name-three-ways-to-cut-llm-agent-costs-[a-z2-9]{5}");
  }

  @Test
  void newId_twoCalls_differ() {
    assertThat(RunIds.newId("same task")).isNotEqualTo(RunIds.newId("same task"));
  }

  @Test
  void slug_accentsPunctuationAndLength() {
    assertThat(RunIds.slug("  Résumé: café & crème!  ")).isEqualTo("resume-cafe-creme");
    assertThat(RunIds.slug("日本語")).isEmpty();
    assertThat(RunIds.slug("a".repeat(100))).hasSize(RunIds.SLUG_MAX);
    assertThat(RunIds.slug("word ".repeat(20)))
        .hasSizeLessThanOrEqualTo(RunIds.SLUG_MAX)
        .doesNotEndWith("-");
  }

  @Test
  void newId_taskWithoutLatinLetters_stillValid() {
    assertThat(RunIds.newId("日本語", new Random(2))).matches("run-[a-z2-9]{5}");
  }
}
