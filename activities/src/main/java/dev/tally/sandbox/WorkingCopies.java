package dev.tally.sandbox;

import dev.tally.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The boxes a session's turn runs in: an empty directory, a {@code git worktree} of the repository
 * at its HEAD (when it is a git repository with a commit), or a copy of it with a fresh base commit
 * (when it is not). The base commit is what a coder turn's diff is measured against.
 */
final class WorkingCopies {
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);

  private final Path dataDir;
  private final Path scratch;
  private final Path repoLocks;

  /**
   * @param dataDir never copied into a working copy, even when the repository contains it
   * @param scratch where git's output is spooled
   * @param repoLocks where the per-repository locks of {@code git worktree} changes live
   */
  WorkingCopies(Path dataDir, Path scratch, Path repoLocks) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.scratch = scratch;
    this.repoLocks = repoLocks;
  }

  SessionFiles.LeaseRecord empty(SessionFiles s, String sandboxId) {
    try {
      Files.createDirectories(s.work());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SessionFiles.LeaseRecord(
        s.id(), sandboxId, "empty", null, s.work().toString(), null);
  }

  SessionFiles.LeaseRecord of(SessionFiles s, String sandboxId, Path repoRoot, Runnable heartbeat) {
    if (!repoRoot.isAbsolute() || !Files.isDirectory(repoRoot)) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_UNAVAILABLE,
          "repoRoot: expected an existing directory on this worker, got '" + repoRoot + "'");
    }
    // A half-made copy from an attempt that died midway is thrown away and made again.
    SessionFiles.deleteTree(s.work());
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
      return new SessionFiles.LeaseRecord(
          s.id(), sandboxId, "git", repoTop.toString(), cwd.toString(), base);
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
    return new SessionFiles.LeaseRecord(
        s.id(), sandboxId, "copy", s.work().toString(), s.work().toString(), base);
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
    return SessionLock.with(repoLocks.resolve(key + ".lock"), heartbeat, body);
  }

  void remove(SessionFiles s, Optional<SessionFiles.LeaseRecord> lease) {
    if (lease.isPresent() && "git".equals(lease.get().mode()) && Files.exists(s.work())) {
      Path repoTop = Path.of(lease.get().repoTop());
      onRepository(
          repoTop,
          () -> {},
          () -> {
            git(repoTop, "worktree", "remove", "--force", s.work().toString());
            SessionFiles.deleteTree(s.work());
            return git(repoTop, "worktree", "prune");
          });
      return;
    }
    SessionFiles.deleteTree(s.work());
  }

  private void copyTree(Path from, Path to, Runnable heartbeat) {
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
    List<String> argv = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null"));
    argv.addAll(List.of(args));
    return Commands.run(
        argv, dir, Map.of("GIT_TERMINAL_PROMPT", "0"), GIT_TIMEOUT, 64 * 1024, () -> {}, scratch);
  }
}
