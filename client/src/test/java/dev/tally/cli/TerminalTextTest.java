package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void safe_ansiEscapesCarriageReturnsAndC1_areShownNotObeyed() {
    String hostile = "ok\u001b[2J\u001b]0;pwned\u0007 done\rfake line\b\u009b31m";

    String shown = TerminalText.safe(hostile);

    assertThat(shown)
        .isEqualTo("ok\\u001b[2J\\u001b]0;pwned\\u0007 done\\u000dfake line\\u0008\\u009b31m");
    assertThat(shown.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    assertThat(TerminalText.safe("two\nlines")).isEqualTo("two\nlines");
  }

  @Test
  void safe_plainTextAndTabs_unchanged() {
    assertThat(TerminalText.safe("Spent:\t2,058 tokens · $0.001382 (billed) ★"))
        .isEqualTo("Spent:\t2,058 tokens · $0.001382 (billed) ★");
  }
}
