package dev.tally.sandbox.harness;

import java.util.Map;

/**
 * Reads the answer and the usage receipt out of one kind of harness output. A decoder never throws
 * on output it does not understand: it keeps the raw text and reports no usage, so the turn is
 * metered as unknown rather than lost.
 */
public interface UsageDecoder {
  /** The name a harness entry chooses it by ({@code claude-code}, {@code codex}, ...). */
  String name();

  /**
   * Decodes one finished turn.
   *
   * @param stdout the harness's standard output (its tail, when it was very long)
   * @param usageFile what the harness wrote to {@code $TALLY_USAGE_FILE}, or null when nothing
   * @param model the model the turn was asked to use ({@code TALLY_MODEL}), or null
   */
  HarnessOutput decode(String stdout, String usageFile, String model);

  /** Every decoder by name. */
  Map<String, UsageDecoder> ALL =
      Map.of(
          ClaudeCodeDecoder.NAME, new ClaudeCodeDecoder(),
          CodexExecDecoder.NAME, new CodexExecDecoder(),
          TallyUsageFileDecoder.NAME, new TallyUsageFileDecoder());
}
