package dev.tally.sandbox;

import dev.tally.sandbox.harness.HarnessEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sandbox: a session is a working copy of the repository under the data directory, and
 * a turn is the configured agent command ({@code TALLY_LOCAL_HARNESS}) run there with {@code
 * /bin/sh -c}, detached from the worker.
 *
 * <p>Three parts, each reusable by another provider: {@link WorkingCopies} makes and removes the
 * boxes, {@link SessionFiles} keeps each session's control files, and {@link DetachedTurns} does
 * the idempotent dispatch-and-poll over them with a {@link SetsidLauncher}, which runs the harness
 * in its own process group and leaves its pid, exit code and output in files. So the worker can die
 * and a new one on the same data directory (the same host: SPEC §9 keeps every later activity of
 * the session there) finds the running process or its recorded exit by session id alone.
 *
 * <p>Layout of {@code <dataDir>/sandboxes/<sessionId>/}: {@code work/} the working copy, {@code
 * control/} the lease, prompt, wrapper, pid, exit code, output, usage, outcome and the {@code
 * dispatched}, {@code cancelled} and {@code released} markers.
 */
public final class LocalProcessSandbox implements SandboxProvider {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessSandbox.class);

  static final String NAME = "local";

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final SandboxConfig config;
  private final Path sessions;
  private final WorkingCopies boxes;
  private final DetachedTurns turns;
  private final SetsidLauncher launcher;

  public LocalProcessSandbox(SandboxConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.sessions = config.dataDir().resolve("sandboxes");
    this.boxes =
        new WorkingCopies(
            config.dataDir(), sessions.resolve(".scratch"), sessions.resolve(".repo-locks"));
    this.launcher = new SetsidLauncher(config);
    this.turns = new DetachedTurns(launcher);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SandboxLease acquire(AcquireSandboxRequest request, Runnable heartbeat) {
    return acquire(request, null, heartbeat);
  }

  @Override
  public SandboxLease acquire(AcquireSandboxRequest request, String owner, Runnable heartbeat) {
    SessionFiles s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        heartbeat,
        () -> {
          if (s.has("released")) {
            throw new SandboxException(
                SandboxFailures.SESSION_RELEASED,
                "session " + s.id() + " was released; a released session is never acquired again");
          }
          Optional<SessionFiles.LeaseRecord> existing = s.lease();
          if (existing.isPresent()) {
            return lease(existing.get());
          }
          launcher.requireReady();
          // A name no harness answers to is refused before any box is made.
          HarnessEntry harness = launcher.harnessFor(request.harness());
          SessionFiles.LeaseRecord made =
              (request.repoRoot() == null
                      ? boxes.empty(s, sandboxId(s))
                      : boxes.of(s, sandboxId(s), Path.of(request.repoRoot()), heartbeat))
                  .withHarness(request.harness() == null ? null : harness.name(), request.model())
                  .withOwner(owner);
          s.writeLease(made);
          log.info("{}: acquired {} box in {}", s.id(), made.mode(), s.work());
          return lease(made);
        });
  }

  @Override
  public TurnTick drive(DriveTurnRequest request) {
    SessionFiles s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        () -> {
          SessionFiles.LeaseRecord lease = requireLease(s);
          return turns.drive(s, Path.of(lease.cwd()), request.prompt(), request.wallCapMs());
        });
  }

  @Override
  public SessionReceipt cancel(SessionRequest request) {
    SessionFiles s = session(request.sessionId());
    return SessionLock.with(s.lock(), () -> turns.cancel(s, request.reason()));
  }

  @Override
  public SessionReceipt release(SessionRequest request) {
    SessionFiles s = session(request.sessionId());
    return SessionLock.with(
        s.lock(),
        () -> {
          boolean already = s.has("released");
          s.write("released", request.reason() == null ? "released" : request.reason());
          // Releasing never leaves a process behind, whatever path led here.
          boolean stopped = turns.stop(s);
          boxes.remove(s, s.lease());
          String detail =
              (already ? "already released" : "working copy removed")
                  + (stopped ? "; a harness process was still running and was stopped" : "");
          return new SessionReceipt(s.id(), !already, detail);
        });
  }

  @Override
  public CommandResult exec(
      String sessionId, String command, Duration timeout, int keepBytes, Runnable heartbeat) {
    SessionFiles s = session(sessionId);
    SessionFiles.LeaseRecord lease = requireLease(s);
    if (s.has("released")) {
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

  /** Where the sessions' directories are, {@code <dataDir>/sandboxes}. */
  Path sessionsDir() {
    return sessions;
  }

  /** The control files of {@code sessionId}, after checking the id. */
  SessionFiles files(String sessionId) {
    return session(sessionId);
  }

  private static SessionFiles.LeaseRecord requireLease(SessionFiles s) {
    return s.lease()
        .orElseThrow(
            () ->
                new SandboxException(
                    SandboxFailures.SESSION_UNKNOWN,
                    "session " + s.id() + ": expected an acquired box, got none"));
  }

  private SessionFiles session(String sessionId) {
    if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
      throw new SandboxException(
          SandboxFailures.INVALID_SESSION,
          "sessionId: expected letters, digits, '.', '_' or '-' (at most 200), got '"
              + sessionId
              + "'");
    }
    return new SessionFiles(sessionId, sessions.resolve(sessionId));
  }

  private SandboxLease lease(SessionFiles.LeaseRecord r) {
    return new SandboxLease(
        r.sandboxId(),
        r.sessionId(),
        NAME,
        r.baseCommit(),
        config.tickIntervalMs(),
        config.maxSessionMs());
  }

  private static String sandboxId(SessionFiles s) {
    return NAME + "-" + s.id();
  }
}
