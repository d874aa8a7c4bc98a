package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.json.Json;
import dev.tally.sandbox.harness.HarnessEntry;
import dev.tally.sandbox.harness.HarnessOutput;
import dev.tally.sandbox.harness.HarnessTurns;
import dev.tally.sandbox.harness.Harnesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sandbox: a session is a working copy of the repository under the data directory, and
 * a turn is the configured agent command ({@code TALLY_LOCAL_HARNESS}) run there with {@code
 * /bin/sh -c}, detached from the worker.
 *
 * <p>The harness runs in its own session and process group ({@code setsid}) under a small wrapper
 * script that records its pid and, when it ends, its exit code into the session's control
 * directory; its output goes to files, never to pipes held by the worker. So the worker can die and
 * a new one, on the same data directory, finds the running process or its recorded exit by session
 * id alone. The {@code dispatched} marker is created atomically before the process starts, so no
 * retry, restart or second worker can ever start a turn twice.
 *
 * <p>Layout of {@code <dataDir>/sandboxes/<sessionId>/}: {@code work/} the working copy (a {@code
 * git worktree} at the base commit, or a copy with a fresh base commit when the repository is not a
 * git repository), {@code control/} the lease, prompt, wrapper, pid, exit code, output, usage,
 * outcome and the {@code cancelled} and {@code released} markers.
 */
public final class LocalProcessSandbox implements SandboxProvider {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessSandbox.class);

  static final String NAME = "local";

  /** How long after dispatch a missing pid means the process never started. */
  static final Duration START_GRACE = Duration.ofSeconds(60);

  /** Most of a turn's output kept as its text (the tail, where agents put their summary). */
  static final int MAX_TEXT_BYTES = 256 * 1024;

  /** Most of a turn's standard error kept in a failure or result. */
  static final int STDERR_TAIL_BYTES = 4 * 1024;

  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  private static final String WRAPPER =
      """
      #!/bin/sh
      # Written by Tally's local sandbox: one detached harness turn. It records its pid first and
      # its exit code last, so a worker that did not start it can still find it or its result.
      ctl="$TALLY_CONTROL_DIR"
      echo $$ > "$ctl/pid.tmp" && mv -f "$ctl/pid.tmp" "$ctl/pid"
      /bin/sh -c "$TALLY_HARNESS_COMMAND" < "$TALLY_PROMPT_FILE" > "$ctl/stdout" 2> "$ctl/stderr"
      code=$?
      echo "$code" > "$ctl/exit.tmp" && mv -f "$ctl/exit.tmp" "$ctl/exit"
      """;

  private final SandboxConfig config;
  private final Path sessions;

  public LocalProcessSandbox(SandboxConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.sessions = config.dataDir().resolve("sandboxes");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SandboxLease acquire(AcquireSandboxRequest request, Runnable heartbeat) {
    Session s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        heartbeat,
        () -> {
          if (Files.exists(s.file("released"))) {
            throw new SandboxException(
                SandboxFailures.SESSION_RELEASED,
                "session " + s.id() + " was released; a released session is never acquired again");
          }
          Optional<LeaseRecord> existing = readLease(s);
          if (existing.isPresent()) {
            return lease(existing.get());
          }
          requireHarness();
          HarnessEntry harness = harnessFor(request.harness());
          LeaseRecord made =
              (request.repoRoot() == null
                      ? emptyBox(s)
                      : workingCopy(s, Path.of(request.repoRoot()), heartbeat))
                  .withHarness(request.harness() == null ? null : harness.name(), request.model());
          writeJson(s.file("lease.json"), made);
          log.info("{}: acquired {} box in {}", s.id(), made.mode(), s.work());
          return lease(made);
        });
  }

  @Override
  public TurnTick drive(DriveTurnRequest request) {
    Session s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        () -> {
          LeaseRecord lease =
              readLease(s)
                  .orElseThrow(
                      () ->
                          new SandboxException(
                              SandboxFailures.SESSION_UNKNOWN,
                              "session " + s.id() + ": expected an acquired box, got none"));
          Optional<TurnTick> outcome = readOutcome(s);
          if (outcome.isPresent()) {
            return outcome.get();
          }
          if (Files.exists(s.file("released"))) {
            throw new SandboxException(
                SandboxFailures.SESSION_RELEASED, "session " + s.id() + " was released");
          }
          if (Files.exists(s.file("cancelled"))) {
            return persist(
                s, TurnTick.failed("session cancelled: " + read(s.file("cancelled")), null));
          }
          if (!Files.exists(s.file("dispatched"))) {
            return dispatch(s, lease, request.prompt() == null ? "" : request.prompt());
          }
          return poll(s, request.wallCapMs());
        });
  }

  @Override
  public SessionReceipt cancel(SessionRequest request) {
    Session s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        () -> {
          Optional<TurnTick> outcome = readOutcome(s);
          if (outcome.isPresent()) {
            return new SessionReceipt(
                s.id(), false, "turn had already ended: " + outcome.get().state());
          }
          String reason = request.reason() == null ? "cancelled" : request.reason();
          write(s.file("cancelled"), reason);
          boolean stopped = stopProcess(s);
          if (Files.exists(s.file("dispatched"))) {
            persist(s, TurnTick.failed("session cancelled: " + reason, readUsage(s)));
          }
          return new SessionReceipt(
              s.id(),
              true,
              stopped ? "harness process group stopped" : "no harness process was running");
        });
  }

  @Override
  public SessionReceipt release(SessionRequest request) {
    Session s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        () -> {
          boolean already = Files.exists(s.file("released"));
          write(s.file("released"), request.reason() == null ? "released" : request.reason());
          // Releasing never leaves a process behind, whatever path led here.
          boolean stopped = stopProcess(s);
          removeWorkingCopy(s, readLease(s));
          String detail =
              (already ? "already released" : "working copy removed")
                  + (stopped ? "; a harness process was still running and was stopped" : "");
          return new SessionReceipt(s.id(), !already, detail);
        });
  }

  @Override
  public CommandResult exec(
      String sessionId, String command, Duration timeout, int keepBytes, Runnable heartbeat) {
    Session s = session(sessionId);
    LeaseRecord lease =
        readLease(s)
            .orElseThrow(
                () ->
                    new SandboxException(
                        SandboxFailures.SESSION_UNKNOWN,
                        "session " + s.id() + ": expected an acquired box, got none"));
    if (Files.exists(s.file("released"))) {
      throw new SandboxException(
          SandboxFailures.SESSION_RELEASED, "session " + s.id() + " was released");
    }
    return Commands.run(
        List.of("/bin/sh", "-c", command),
        Path.of(lease.cwd()),
        Map.of("GIT_TERMINAL_PROMPT", "0"),
        timeout,
        keepBytes,
        heartbeat,
        s.control().resolve("scratch"));
  }

  // ---- dispatch and poll ----

  private TurnTick dispatch(Session s, LeaseRecord lease, String prompt) {
    requireHarness();
    Path promptFile = s.file("prompt.txt");
    Path wrapper = s.file("run.sh");
    write(promptFile, prompt);
    write(wrapper, WRAPPER);
    try {
      // Created before the process starts: a crash in between leaves a dispatched session with no
      // pid, which fails after START_GRACE rather than ever starting a second process.
      Files.writeString(
          s.file("dispatched"),
          Long.toString(System.currentTimeMillis()),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      return poll(s, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb =
        new ProcessBuilder("setsid", "/bin/sh", wrapper.toString())
            .directory(Path.of(lease.cwd()).toFile())
            .redirectInput(promptFile.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(s.file("wrapper.log").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(s.file("wrapper.log").toFile()));
    Map<String, String> env = pb.environment();
    TallySecrets.strip(env);
    env.put("TALLY_CONTROL_DIR", s.control().toString());
    env.put("TALLY_HARNESS_COMMAND", harnessFor(lease.harness()).command());
    if (lease.model() != null) {
      env.put("TALLY_MODEL", lease.model());
    }
    env.put("TALLY_PROMPT_FILE", promptFile.toString());
    env.put("TALLY_USAGE_FILE", s.file("usage.json").toString());
    env.put("TALLY_SESSION_ID", s.id());
    try {
      Process process = pb.start();
      write(s.file("spawned"), Long.toString(process.pid()));
      log.info("{}: dispatched harness, pid {}", s.id(), process.pid());
    } catch (IOException e) {
      return persist(
          s,
          TurnTick.failed(
              "could not start the harness with setsid /bin/sh: " + e.getMessage(), null));
    }
    return TurnTick.running(0L);
  }

  private TurnTick poll(Session s, Long wallCapMs) {
    long dispatchedAt = Long.parseLong(read(s.file("dispatched")).strip());
    long elapsed = Math.max(0, System.currentTimeMillis() - dispatchedAt);
    Long pid = pidOf(s);
    boolean alive = pid != null && ProcessGroups.alive(pid, Instant.ofEpochMilli(dispatchedAt));
    // Read after the liveness check: the wrapper writes its exit code before it exits, so a
    // process seen dead has already left its code here if it was going to.
    Optional<Integer> exit = readExit(s);
    if (exit.isPresent()) {
      return finish(s, exit.get(), dispatchedAt);
    }
    if (alive) {
      if (wallCapMs != null && elapsed > wallCapMs) {
        ProcessGroups.kill(pid);
        return persist(
            s,
            TurnTick.failed(
                "wall-clock cap of "
                    + wallCapMs
                    + " ms exceeded after "
                    + elapsed
                    + " ms; the harness was stopped",
                readUsage(s)));
      }
      return TurnTick.running(elapsed);
    }
    if (!Files.exists(s.file("pid"))) {
      if (elapsed < START_GRACE.toMillis()) {
        return TurnTick.running(elapsed);
      }
      return persist(
          s,
          TurnTick.failed(
              "the harness never started: no pid recorded within "
                  + START_GRACE.toSeconds()
                  + " s of dispatch",
              null));
    }
    return persist(
        s,
        TurnTick.failed(
            "the harness process "
                + pid
                + " ended without recording an exit code (killed from outside?)",
            readUsage(s)));
  }

  private TurnTick finish(Session s, int exitCode, long dispatchedAt) {
    HarnessOutput decoded = HarnessTurns.decode(s.control(), harnessFor(harnessName(s)), model(s));
    TurnUsage usage = decoded.usage();
    String stderr = Commands.tail(s.file("stderr"), STDERR_TAIL_BYTES).strip();
    if (exitCode != 0) {
      return persist(
          s,
          TurnTick.failed(
              "harness exited with code " + exitCode + (stderr.isEmpty() ? "" : ": " + stderr),
              usage));
    }
    long stdoutBytes = size(s.file("stdout"));
    ObjectNode result = Json.CANONICAL.createObjectNode();
    result.put("exitCode", exitCode);
    result.put("durationMs", Math.max(0, modified(s.file("exit")) - dispatchedAt));
    result.put("stdoutBytes", stdoutBytes);
    result.put("textTruncated", stdoutBytes > MAX_TEXT_BYTES);
    if (!stderr.isEmpty()) {
      result.put("stderrTail", stderr);
    }
    result.put("harness", harnessFor(harnessName(s)).name());
    result.put("usageDecoder", harnessFor(harnessName(s)).decoder().name());
    return persist(s, TurnTick.completed(HarnessTurns.tail(decoded.text()), result, usage));
  }

  /** Records a terminal tick once; every later pass returns exactly this. */
  private TurnTick persist(Session s, TurnTick tick) {
    Optional<TurnTick> earlier = readOutcome(s);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    writeJson(s.file("outcome.json"), tick);
    // Returned as read back, so that this pass and every later one answer exactly the same.
    return readOutcome(s).orElseThrow();
  }

  private boolean stopProcess(Session s) {
    Long pid = pidOf(s);
    return pid != null && ProcessGroups.kill(pid);
  }

  /** The wrapper's own pid, else the pid the worker saw when it started the process. */
  private static Long pidOf(Session s) {
    for (String name : List.of("pid", "spawned")) {
      Path f = s.file(name);
      if (Files.exists(f)) {
        String text = read(f).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
    }
    return null;
  }

  // ---- boxes ----

  private LeaseRecord emptyBox(Session s) {
    try {
      Files.createDirectories(s.work());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LeaseRecord(s.id(), sandboxId(s), "empty", null, s.work().toString(), null);
  }

  private LeaseRecord workingCopy(Session s, Path repoRoot, Runnable heartbeat) {
    if (!repoRoot.isAbsolute() || !Files.isDirectory(repoRoot)) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_UNAVAILABLE,
          "repoRoot: expected an existing directory on this worker, got '" + repoRoot + "'");
    }
    // A half-made copy from an attempt that died midway is thrown away and made again.
    deleteTree(s.work());
    CommandResult top = git(repoRoot, "rev-parse", "--show-toplevel");
    CommandResult head = git(repoRoot, "rev-parse", "--verify", "-q", "HEAD^{commit}");
    if (top.exitCode() == 0 && head.exitCode() == 0) {
      Path repoTop = Path.of(top.stdout().strip());
      String prefix = git(repoRoot, "rev-parse", "--show-prefix").stdout().strip();
      String base = head.stdout().strip();
      CommandResult add =
          onRepository(
              repoTop,
              heartbeat,
              () -> git(repoTop, "worktree", "add", "--detach", s.work().toString(), base));
      if (add.exitCode() != 0) {
        throw new SandboxException(
            SandboxFailures.SANDBOX_UNAVAILABLE,
            "git worktree add in " + repoTop + " failed: " + add.stderr().strip());
      }
      Path cwd = prefix.isEmpty() ? s.work() : s.work().resolve(prefix);
      return new LeaseRecord(s.id(), sandboxId(s), "git", repoTop.toString(), cwd.toString(), base);
    }
    copyTree(repoRoot, s.work(), heartbeat);
    requireGit(s.work(), "init", "-q");
    requireGit(s.work(), "add", "-A");
    requireGit(
        s.work(),
        "-c",
        "user.name=Tally",
        "-c",
        "user.email=tally@localhost",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "--allow-empty",
        "--no-verify",
        "-m",
        "tally base");
    String base = requireGit(s.work(), "rev-parse", "HEAD").stdout().strip();
    return new LeaseRecord(
        s.id(), sandboxId(s), "copy", s.work().toString(), s.work().toString(), base);
  }

  /**
   * Runs a {@code git worktree} change on {@code repoTop} holding that repository's lock: git names
   * a new worktree's admin directory after its last path segment, and two candidates of one fanout
   * adding theirs at once race for the same name.
   */
  private <T> T onRepository(Path repoTop, Runnable heartbeat, Supplier<T> body) {
    String key =
        Json.sha256Ref(
                repoTop.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8))
            .substring("sha256:".length(), "sha256:".length() + 16);
    return SessionLock.with(
        sessions.resolve(".repo-locks").resolve(key + ".lock"), heartbeat, body);
  }

  private void removeWorkingCopy(Session s, Optional<LeaseRecord> lease) {
    if (lease.isPresent() && "git".equals(lease.get().mode()) && Files.exists(s.work())) {
      Path repoTop = Path.of(lease.get().repoTop());
      onRepository(
          repoTop,
          () -> {},
          () -> {
            git(repoTop, "worktree", "remove", "--force", s.work().toString());
            deleteTree(s.work());
            return git(repoTop, "worktree", "prune");
          });
      return;
    }
    deleteTree(s.work());
  }

  private void copyTree(Path from, Path to, Runnable heartbeat) {
    Path dataDir = config.dataDir().toAbsolutePath().normalize();
    int[] copied = {0};
    try {
      Files.walkFileTree(
          from,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              Path abs = dir.toAbsolutePath().normalize();
              // Never copy the data directory into itself, nor an enclosing repository's metadata.
              if (abs.startsWith(dataDir)
                  || (dir.getFileName() != null && dir.getFileName().toString().equals(".git"))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              Files.createDirectories(to.resolve(from.relativize(dir).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.copy(
                  file,
                  to.resolve(from.relativize(file).toString()),
                  StandardCopyOption.COPY_ATTRIBUTES,
                  LinkOption.NOFOLLOW_LINKS);
              if (++copied[0] % 500 == 0) {
                heartbeat.run();
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_UNAVAILABLE,
          "copying " + from + " into the session failed: " + e.getMessage(),
          e);
    }
  }

  private CommandResult requireGit(Path dir, String... args) {
    CommandResult r = git(dir, args);
    if (r.exitCode() != 0) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_UNAVAILABLE,
          "git " + String.join(" ", args) + " in " + dir + " failed: " + r.stderr().strip());
    }
    return r;
  }

  private CommandResult git(Path dir, String... args) {
    return git(dir, () -> {}, args);
  }

  private CommandResult git(Path dir, Runnable heartbeat, String... args) {
    List<String> argv = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null"));
    argv.addAll(List.of(args));
    return Commands.run(
        argv,
        dir,
        Map.of("GIT_TERMINAL_PROMPT", "0"),
        GIT_TIMEOUT,
        64 * 1024,
        heartbeat,
        sessions.resolve(".scratch"));
  }

  // ---- files ----

  private Session session(String sessionId) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      throw new SandboxException(
          SandboxFailures.INVALID_SESSION,
          "sessionId: expected letters, digits, '.', '_' or '-' (at most 200), got '"
              + sessionId
              + "'");
    }
    Path root = sessions.resolve(sessionId);
    return new Session(sessionId, root.resolve("control"), root.resolve("work"));
  }

  /** The harness a session runs: its lease's name, else the default. */
  private HarnessEntry harnessFor(String name) {
    return config
        .harnesses()
        .find(name)
        .orElseThrow(
            () ->
                new SandboxException(
                    SandboxFailures.SANDBOX_NOT_CONFIGURED,
                    "harness: expected one of "
                        + config.harnesses().names()
                        + " ("
                        + Harnesses.ENV
                        + " or "
                        + SandboxConfig.LOCAL_HARNESS
                        + " on this worker), got '"
                        + (name == null ? "the default" : name)
                        + "'"));
  }

  private static String harnessName(Session s) {
    return readLease(s).map(LeaseRecord::harness).orElse(null);
  }

  private static String model(Session s) {
    return readLease(s).map(LeaseRecord::model).orElse(null);
  }

  private void requireHarness() {
    if (!config.hasHarness()) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_NOT_CONFIGURED,
          "no sandbox harness configured: set "
              + SandboxConfig.LOCAL_HARNESS
              + " to the agent command a turn runs (for example 'claude -p'), got nothing");
    }
  }

  private SandboxLease lease(LeaseRecord r) {
    return new SandboxLease(
        r.sandboxId(),
        r.sessionId(),
        NAME,
        r.baseCommit(),
        config.tickIntervalMs(),
        config.maxSessionMs());
  }

  private static String sandboxId(Session s) {
    return NAME + "-" + s.id();
  }

  private static Optional<LeaseRecord> readLease(Session s) {
    Path f = s.file("lease.json");
    return Files.exists(f) ? Optional.of(readJson(f, LeaseRecord.class)) : Optional.empty();
  }

  private static Optional<TurnTick> readOutcome(Session s) {
    Path f = s.file("outcome.json");
    return Files.exists(f) ? Optional.of(readJson(f, TurnTick.class)) : Optional.empty();
  }

  private static Optional<Integer> readExit(Session s) {
    Path f = s.file("exit");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(read(f).strip()));
  }

  /** The usage receipt the harness wrote to {@code $TALLY_USAGE_FILE}, if it wrote a usable one. */
  private static TurnUsage readUsage(Session s) {
    Path f = s.file("usage.json");
    if (!Files.exists(f)) {
      return null;
    }
    try {
      return Json.CANONICAL.readValue(f.toFile(), TurnUsage.class);
    } catch (IOException e) {
      log.warn("{}: ignoring unreadable usage file: {}", s.id(), e.getMessage());
      return null;
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
  private static void writeJson(Path f, Object value) {
    write(f, Json.canonical(value));
  }

  private static void write(Path f, String text) {
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

  private static long size(Path f) {
    try {
      return Files.exists(f) ? Files.size(f) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long modified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /** Where one session's files live. */
  private record Session(String id, Path control, Path work) {
    Path file(String name) {
      return control.resolve(name);
    }

    Path lock() {
      return control.resolve("lock");
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
      String model) {
    LeaseRecord(
        String sessionId,
        String sandboxId,
        String mode,
        String repoTop,
        String cwd,
        String baseCommit) {
      this(sessionId, sandboxId, mode, repoTop, cwd, baseCommit, null, null);
    }

    LeaseRecord withHarness(String harness, String model) {
      return new LeaseRecord(sessionId, sandboxId, mode, repoTop, cwd, baseCommit, harness, model);
    }
  }
}
