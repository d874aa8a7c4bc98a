package dev.tally.sandbox.harness;

import java.util.List;
import java.util.Objects;

/**
 * One named agent command a sandbox turn can run.
 *
 * @param name what delegations call it in {@code config.harnesses}
 * @param command the shell command (the prompt arrives on standard input)
 * @param decoder how its output is read: {@code claude-code}, {@code codex} or {@code
 *     tally-usage-file}
 */
public record HarnessEntry(String name, String command, UsageDecoder decoder) {
  public HarnessEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(decoder, "decoder");
  }

  /**
   * The decoder a command implies when its entry names none: Claude Code asked for JSON output,
   * Codex asked for JSON events, else Tally's usage file.
   */
  public static UsageDecoder decoderFor(String command) {
    List<String> words = List.of(command.strip().split("\\s+"));
    String program = words.get(0).substring(words.get(0).lastIndexOf('/') + 1);
    if (program.equals("claude")) {
      for (int i = 1; i < words.size(); i++) {
        String w = words.get(i);
        String format =
            w.startsWith("--output-format=")
                ? w.substring("--output-format=".length())
                : w.equals("--output-format") && i + 1 < words.size() ? words.get(i + 1) : null;
        if ("json".equals(format) || "stream-json".equals(format)) {
          return UsageDecoder.ALL.get(ClaudeCodeDecoder.NAME);
        }
      }
    }
    if (program.equals("codex")
        && words.contains("exec")
        && (words.contains("--json") || words.contains("--experimental-json"))) {
      return UsageDecoder.ALL.get(CodexExecDecoder.NAME);
    }
    return UsageDecoder.ALL.get(TallyUsageFileDecoder.NAME);
  }
}
