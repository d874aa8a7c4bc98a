package dev.tally.cli;

/**
 * Text made safe for a terminal: model output and anything else a run carries is printed with its
 * control characters escaped, so an answer cannot move the cursor, clear the screen, retitle the
 * window or hide a line (ANSI escape sequences, carriage returns, backspaces, C1 controls).
 */
final class TerminalText {
  private TerminalText() {}

  /** {@code line} with every control character but tab and newline shown as {@code \\uXXXX}. */
  static String safe(String line) {
    if (line == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean control = (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f);
      if (control && out == null) {
        out = new StringBuilder(line.length() + 16).append(line, 0, i);
      }
      if (out != null) {
        if (control) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? line : out.toString();
  }
}
