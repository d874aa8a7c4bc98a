package dev.tally.sandbox.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.sandbox.TurnUsage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Each decoder over sample outputs of its harness, checked into {@code harness-output/}. */
class UsageDecodersTest {
  private final UsageDecoder claude = UsageDecoder.ALL.get(ClaudeCodeDecoder.NAME);
  private final UsageDecoder codex = UsageDecoder.ALL.get(CodexExecDecoder.NAME);
  private final UsageDecoder file = UsageDecoder.ALL.get(TallyUsageFileDecoder.NAME);

  static String sample(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            UsageDecodersTest.class.getResourceAsStream("/harness-output/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void claudeJson_result_givesExactTokensBilledDollarsAndTheCostliestModel() {
    HarnessOutput out = claude.decode(sample("claude-code-json.json"), null, null);

    assertThat(out.text()).isEqualTo("Added a greeting to README.md and ran the tests; they pass.");
    TurnUsage u = out.usage();
    assertThat(u.inputTokens()).isEqualTo(31 + 12408 + 88125);
    assertThat(u.outputTokens()).isEqualTo(1904);
    assertThat(u.costUsd()).isEqualByComparingTo("0.1873425");
    assertThat(u.model()).isEqualTo("claude-sonnet-4-5-20250929");
    Spend s = TurnUsage.spendOf(u);
    assertThat(s.usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(s.tokensKnown()).isTrue();
  }

  @Test
  void claudeJson_arrayWithEmptyResult_takesTheLastAssistantTextAndTheInitModel() {
    HarnessOutput out = claude.decode(sample("claude-code-json-array.json"), null, "ignored");

    assertThat(out.text()).isEqualTo("The answer is 4.");
    assertThat(out.usage().inputTokens()).isEqualTo(12);
    assertThat(out.usage().outputTokens()).isEqualTo(13);
    assertThat(out.usage().costUsd()).isEqualByComparingTo("0.079");
    assertThat(out.usage().model()).isEqualTo("claude-opus-4-5-20251101");
  }

  @Test
  void claudeStreamJson_readsTheFinalResultLineOnly() {
    HarnessOutput out = claude.decode(sample("claude-code-stream.jsonl"), null, null);

    assertThat(out.text()).isEqualTo("Done: README.md now greets the reader.");
    // The result line's totals, not a sum of the per-message usage (that would count twice).
    assertThat(out.usage().inputTokens()).isEqualTo(10 + 5120 + 5120);
    assertThat(out.usage().outputTokens()).isEqualTo(109);
    assertThat(out.usage().costUsd()).isEqualByComparingTo("0.0241635");
    assertThat(out.usage().model()).isEqualTo("claude-sonnet-4-5-20250929");
  }

  @Test
  void claude_plainTextOutput_hasNoUsage_soTheCostIsUnknownNotZero() {
    HarnessOutput out = claude.decode(sample("plain-text.txt"), null, null);

    assertThat(out.text()).isEqualTo(sample("plain-text.txt"));
    assertThat(out.usage()).isNull();
    Spend s = TurnUsage.spendOf(out.usage());
    assertThat(s.usdSource()).isEqualTo(UsdSource.UNKNOWN);
    assertThat(s.tokensKnown()).isFalse();
  }

  @Test
  void codexExecJson_sumsEveryTurnAndKeepsTheLastAgentMessage_dollarsUnknown() {
    HarnessOutput out = codex.decode(sample("codex-exec.jsonl"), null, "gpt-5-codex");

    assertThat(out.text()).isEqualTo("Added a greeting to README.md.");
    assertThat(out.usage().inputTokens()).isEqualTo(26549 + 6245);
    assertThat(out.usage().outputTokens()).isEqualTo(1590 + 407);
    assertThat(out.usage().costUsd()).isNull();
    assertThat(out.usage().model()).isEqualTo("gpt-5-codex");
    Spend s = TurnUsage.spendOf(out.usage());
    assertThat(s.tokensKnown()).isTrue();
    assertThat(s.usdSource()).isEqualTo(UsdSource.UNKNOWN);
  }

  @Test
  void codex_noTurnCompleted_fallsBackToTheUsageFile() {
    HarnessOutput out =
        codex.decode(
            "{\"type\":\"thread.started\"}\n",
            "{\"inputTokens\":5,\"outputTokens\":6,\"costUsd\":0.01}",
            null);

    assertThat(out.usage()).isEqualTo(new TurnUsage(5, 6, new java.math.BigDecimal("0.01"), null));
  }

  @Test
  void usageFile_readsTallysReceipt_andRefusesAHalfOne() {
    HarnessOutput ok =
        file.decode(
            "text",
            "{\"inputTokens\":1000,\"outputTokens\":200,\"costUsd\":0.05,\"model\":\"m1\"}",
            "m0");
    HarnessOutput half = file.decode("text", "{\"inputTokens\":1000}", null);
    HarnessOutput garbage = file.decode("text", "not json", null);

    assertThat(ok.usage())
        .isEqualTo(new TurnUsage(1000, 200, new java.math.BigDecimal("0.05"), "m1"));
    assertThat(half.usage()).isNull();
    assertThat(garbage.usage()).isNull();
    assertThat(ok.text()).isEqualTo("text");
  }

  @Test
  void decoderFor_guessesFromTheCommand() {
    assertThat(HarnessEntry.decoderFor("claude -p --output-format json").name())
        .isEqualTo(ClaudeCodeDecoder.NAME);
    assertThat(
            HarnessEntry.decoderFor("/usr/bin/claude -p --verbose --output-format stream-json")
                .name())
        .isEqualTo(ClaudeCodeDecoder.NAME);
    assertThat(HarnessEntry.decoderFor("codex exec --json -").name())
        .isEqualTo(CodexExecDecoder.NAME);
    assertThat(HarnessEntry.decoderFor("claude -p").name()).isEqualTo(TallyUsageFileDecoder.NAME);
    assertThat(HarnessEntry.decoderFor("opencode run").name())
        .isEqualTo(TallyUsageFileDecoder.NAME);
  }
}
