package dev.tally.realserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Shell command blocks taken from a Markdown file, split into commands and run with bash. */
public final class ShellCommands {
  /** What one command did. */
  public record Outcome(String command, int exitCode, String output) {}

  private ShellCommands() {}

  /** The {@code ```sh} blocks between {@code heading} and the next heading of its level. */
  public static List<String> blocks(Path markdown, String heading) {
    String text;
    try {
      text = Files.readString(markdown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = text.indexOf("\n" + heading + "\n");
    if (start < 0) {
      throw new AssertionError("no heading '" + heading + "' in " + markdown);
    }
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = text.indexOf("\n" + level, start + heading.length() + 1);
    String section = text.substring(start, end < 0 ? text.length() : end);
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = section.indexOf("```sh\n", at)) >= 0) {
      int close = section.indexOf("\n```", at + 6);
      blocks.add(section.substring(at + 6, close + 1));
      at = close + 4;
    }
    return blocks;
  }

  /**
   * The commands of a block: a line continued by a trailing backslash or by an open single quote
   * belongs to the command before it; blank lines and comment lines are dropped.
   */
  public static List<String> commands(String block) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inQuote = false;
    for (String line : block.split("\n", -1)) {
      if (current.length() == 0 && (line.isBlank() || line.trim().startsWith("#"))) {
        continue;
      }
      current.append(line).append('\n');
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\'') {
          inQuote = !inQuote;
        } else if (c == '#' && !inQuote && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
          break; // A comment: its quotes are prose.
        }
      }
      if (!inQuote && !line.endsWith("\\")) {
        out.add(current.toString().trim());
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      throw new AssertionError("unterminated command in block:\n" + block);
    }
    return out;
  }

  /** Runs {@code command} with bash in {@code dir}, with {@code env} over a clean environment. */
  public static Outcome run(String command, Path dir, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("still running after 3 minutes: " + command);
      }
      return new Outcome(command, p.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
