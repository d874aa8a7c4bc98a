package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's control files, {@code <sessions>/<sessionId>/control/}: the lease, the {@code
 * dispatched}, {@code cancelled} and {@code released} markers, the pid and exit code the wrapper
 * records, the harness's output and usage, and the terminal outcome. Every write is a temporary
 * file renamed into place, so a reader in another process sees a whole file or none; the markers
 * that must never be written twice are created exclusively.
 */
final class SessionFiles {
  private static final Logger log = LoggerFactory.getLogger(SessionFiles.class);

  private final String id;
  private final Path control;
  private final Path work;

  SessionFiles(String id, Path root) {
    this.id = id;
    this.control = root.resolve("control");
    this.work = root.resolve("work");
  }

  String id() {
    return id;
  }

  Path control() {
    return control;
  }

  /** The working copy's directory. */
  Path work() {
    return work;
  }

  Path file(String name) {
    return control.resolve(name);
  }

  Path lock() {
    return control.resolve("lock");
  }

  boolean has(String name) {
    return Files.exists(file(name));
  }

  String text(String name) {
    return read(file(name));
  }

  void write(String name, String text) {
    writeAtomically(file(name), text);
  }

  /**
   * Creates the marker {@code name} holding {@code text}, only if it does not exist yet.
   *
   * @return false when it already existed (someone else got there first)
   */
  boolean createOnce(String name, String text) {
    try {
      Files.createDirectories(control);
      Files.writeString(file(name), text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file(name) + ": " + e.getMessage(), e);
    }
  }

  Optional<LeaseRecord> lease() {
    Path f = file("lease.json");
    return Files.exists(f) ? Optional.of(readJson(f, LeaseRecord.class)) : Optional.empty();
  }

  void writeLease(LeaseRecord lease) {
    writeAtomically(file("lease.json"), Json.canonical(lease));
  }

  Optional<TurnTick> outcome() {
    Path f = file("outcome.json");
    return Files.exists(f) ? Optional.of(readJson(f, TurnTick.class)) : Optional.empty();
  }

  /** Records a terminal tick once; every later pass returns exactly this. */
  TurnTick persist(TurnTick tick) {
    Optional<TurnTick> earlier = outcome();
    if (earlier.isPresent()) {
      return earlier.get();
    }
    writeAtomically(file("outcome.json"), Json.canonical(tick));
    // Returned as read back, so that this pass and every later one answer exactly the same.
    return outcome().orElseThrow();
  }

  Optional<Integer> exitCode() {
    Path f = file("exit");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(read(f).strip()));
  }

  /** The usage receipt the harness wrote to {@code $TALLY_USAGE_FILE}, if it wrote a usable one. */
  TurnUsage usage() {
    Path f = file("usage.json");
    if (!Files.exists(f)) {
      return null;
    }
    try {
      return Json.CANONICAL.readValue(f.toFile(), TurnUsage.class);
    } catch (IOException e) {
      log.warn("{}: ignoring unreadable usage file: {}", id, e.getMessage());
      return null;
    }
  }

  /** The wrapper's own pid, else the pid the worker saw when it started the process. */
  Long pid() {
    for (String name : List.of("pid", "spawned")) {
      Path f = file(name);
      if (Files.exists(f)) {
        String text = read(f).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
    }
    return null;
  }

  long size(String name) {
    Path f = file(name);
    try {
      return Files.exists(f) ? Files.size(f) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long modifiedMillis(String name) {
    try {
      return Files.getLastModifiedTime(file(name)).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T readJson(Path f, Class<T> type) {
    try {
      return Json.CANONICAL.readValue(f.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** Writes via a temporary file and an atomic rename, so a reader never sees half a file. */
  static void writeAtomically(Path f, String text) {
    try {
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  /** What {@code lease.json} records about a box. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record LeaseRecord(
      String sessionId,
      String sandboxId,
      String mode,
      String repoTop,
      String cwd,
      String baseCommit,
      String harness,
      String model,
      String owner) {
    LeaseRecord(
        String sessionId,
        String sandboxId,
        String mode,
        String repoTop,
        String cwd,
        String baseCommit) {
      this(sessionId, sandboxId, mode, repoTop, cwd, baseCommit, null, null, null);
    }

    /** The same box, running the named harness (null: the default) with {@code model}. */
    LeaseRecord withHarness(String harness, String model) {
      return new LeaseRecord(
          sessionId, sandboxId, mode, repoTop, cwd, baseCommit, harness, model, owner);
    }

    /**
     * The same box, acquired by the workflow {@code owner} (null: not known), which is what the
     * {@link SandboxJanitor} asks Temporal about.
     */
    LeaseRecord withOwner(String owner) {
      return new LeaseRecord(
          sessionId, sandboxId, mode, repoTop, cwd, baseCommit, harness, model, owner);
    }
  }
}
