package dev.tally.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a KB-gate judge command in a research session's box. The fact (with its source text) is
 * written to a file the command finds as {@code $TALLY_FACT_FILE}; the command prints {@code
 * {accept, reason?}}. Fail-closed: a non-zero exit, a timeout or no such object is a refusal whose
 * reason says why.
 */
public final class CommandJudges {
  static final int OUTPUT_BYTES = 16 * 1024;

  private final SandboxProvider sandbox;
  private final Duration timeout;

  public CommandJudges(SandboxProvider sandbox, Duration timeout) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public FactJudgement judge(JudgeFactRequest request, Runnable heartbeat) {
    Path factFile;
    try {
      factFile = Files.createTempFile("tally-fact-", ".json");
      Files.writeString(factFile, Json.canonical(request.fact()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the fact for the judge: " + e.getMessage(), e);
    }
    try {
      // The temporary file's name is letters, digits, '-' and '.', so it is safe in quotes.
      String line =
          "TALLY_FACT_FILE='" + factFile + "'; export TALLY_FACT_FILE; " + request.command();
      CommandResult r = sandbox.exec(request.sessionId(), line, timeout, OUTPUT_BYTES, heartbeat);
      if (r.timedOut()) {
        return new FactJudgement(false, "judge timed out after " + timeout.toSeconds() + " s");
      }
      if (r.exitCode() != 0) {
        String err = r.stderr().strip();
        return new FactJudgement(
            false, "judge exited with " + r.exitCode() + (err.isEmpty() ? "" : ": " + err));
      }
      return verdict(r.stdout());
    } finally {
      try {
        Files.deleteIfExists(factFile);
      } catch (IOException e) {
        // A leftover temporary file is harmless; the verdict matters more.
      }
    }
  }

  private static FactJudgement verdict(String stdout) {
    String[] lines = stdout.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].strip();
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        JsonNode v = Json.parse(line);
        if (v.path("accept").isBoolean()) {
          return new FactJudgement(
              v.get("accept").asBoolean(),
              v.path("reason").isTextual() ? v.get("reason").asText() : null);
        }
      } catch (IllegalArgumentException e) {
        // Not the verdict line; keep looking above it.
      }
    }
    String flat = stdout.strip().replaceAll("\\s+", " ");
    return new FactJudgement(
        false,
        "judge output: expected a line {accept: true|false, reason?}, got '"
            + (flat.length() > 120 ? flat.substring(0, 117) + "..." : flat)
            + "'");
  }
}
