package dev.tally.mcp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing wrong with a tool call's arguments, in the words the calling agent needs to fix it.
 *
 * @param field where, as a path ({@code config.maxDiffLines}, {@code sources[1]})
 * @param expected what a valid value is
 * @param got what the call sent
 */
public record Problem(String field, String expected, String got) {
  private static final Pattern RULE = Pattern.compile("^(\\S+): expected (.+), got (.+)$");

  /**
   * A problem reported by a workflow's own input rules ({@code field: expected X, got Y}), with the
   * {@code args.} prefix of the workflow input dropped: the tool's arguments are those args.
   */
  public static Problem fromRule(String rule) {
    Matcher m = RULE.matcher(rule.strip());
    if (!m.matches()) {
      return new Problem("arguments", "valid input", rule.strip());
    }
    String field = m.group(1).startsWith("args.") ? m.group(1).substring(5) : m.group(1);
    return new Problem(field, m.group(2), m.group(3));
  }

  /** {@code field: expected X, got Y}. */
  public String text() {
    return field + ": expected " + expected + ", got " + got;
  }
}
