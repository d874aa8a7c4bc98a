package dev.tally.sandbox.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a finished turn's output files through its harness's decoder. */
public final class HarnessTurns {
  /** Most of the standard output a decoder reads (the tail, where the result message is). */
  static final int DECODE_BYTES = 8 * 1024 * 1024;

  /** Most of a turn's answer kept as its text (the tail, where agents put their summary). */
  static final int MAX_TEXT_CHARS = 256 * 1024;

  private HarnessTurns() {}

  /**
   * Decodes the turn whose control directory is {@code control} ({@code stdout}, {@code
   * usage.json}).
   */
  public static HarnessOutput decode(Path control, HarnessEntry harness, String model) {
    String stdout = tail(control.resolve("stdout"), DECODE_BYTES);
    Path usage = control.resolve("usage.json");
    String usageText = Files.exists(usage) ? tail(usage, 64 * 1024) : null;
    return harness.decoder().decode(stdout, usageText, model);
  }

  /** The last {@value #MAX_TEXT_CHARS} characters of {@code text}. */
  public static String tail(String text) {
    if (text == null || text.length() <= MAX_TEXT_CHARS) {
      return text;
    }
    return text.substring(text.length() - MAX_TEXT_CHARS);
  }

  private static String tail(Path file, int maxBytes) {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, f.length() - maxBytes);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
