package dev.tally.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases the boxes on this host that nothing will come back for: the workflow that acquired one
 * has ended, or it declared this host lost (a turn's activity on the host queue timed out before
 * any worker here picked it up, so {@code SandboxTurn} skipped the cleanup it could not reach). A
 * worker runs it at start-up, which is exactly when a host that was lost comes back.
 *
 * <p>Releasing goes through the provider's own {@code release}: the harness process group is
 * stopped, the working copy (a git worktree, or a copy) is removed, and the {@code released} marker
 * stays, so a late activity of the session is refused rather than given a new box.
 *
 * <p>A box whose owner Temporal does not know is only released when Temporal knows some other owner
 * of this host's boxes: when it knows none, the worker is more likely pointed at the wrong
 * namespace than every run having passed its retention, and nothing is touched.
 */
public final class SandboxJanitor {
  private static final Logger log = LoggerFactory.getLogger(SandboxJanitor.class);

  private final LocalProcessSandbox sandbox;
  private final SessionOwners owners;
  private final String hostQueue;

  /** What one sweep did, session by session. */
  public record Report(
      Map<String, String> released, Map<String, String> kept, List<String> unowned) {
    public Report {
      released = Map.copyOf(released);
      kept = Map.copyOf(kept);
      unowned = List.copyOf(unowned);
    }
  }

  /**
   * @param hostQueue this host's task queue ({@code <taskQueue>-host-<hostId>}), where the turns of
   *     its boxes were scheduled
   */
  public SandboxJanitor(LocalProcessSandbox sandbox, SessionOwners owners, String hostQueue) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.hostQueue = Objects.requireNonNull(hostQueue, "hostQueue");
  }

  /** The janitor of the local sandbox configured by {@code config}. */
  public static SandboxJanitor forLocal(
      SandboxConfig config, SessionOwners owners, String hostQueue) {
    return new SandboxJanitor(new LocalProcessSandbox(config), owners, hostQueue);
  }

  /** Looks at every box not yet released and releases those nothing will come back for. */
  public Report sweep() {
    Map<String, SessionOwners.Fate> fates = new LinkedHashMap<>();
    Map<String, String> kept = new LinkedHashMap<>();
    List<String> unowned = new ArrayList<>();
    for (String id : sessionIds()) {
      SessionFiles s = sandbox.files(id);
      if (s.has("released")) {
        continue;
      }
      Optional<String> owner = s.lease().map(SessionFiles.LeaseRecord::owner);
      if (owner.isEmpty()) {
        // Acquired before owners were recorded, or an acquire that never finished: nobody to ask.
        unowned.add(id);
        continue;
      }
      fates.put(id, owners.fate(owner.get(), id, hostQueue));
    }
    boolean someOwnerKnown =
        fates.values().stream().anyMatch(f -> f.verdict() != SessionOwners.Verdict.UNKNOWN);
    Map<String, String> released = new LinkedHashMap<>();
    for (Map.Entry<String, SessionOwners.Fate> e : fates.entrySet()) {
      SessionOwners.Fate fate = e.getValue();
      boolean sweep =
          fate.verdict() == SessionOwners.Verdict.SWEEP
              || (fate.verdict() == SessionOwners.Verdict.UNKNOWN && someOwnerKnown);
      if (!sweep) {
        kept.put(
            e.getKey(),
            fate.verdict() == SessionOwners.Verdict.UNKNOWN
                ? fate.reason() + " (and no owner of this host's boxes is known: wrong namespace?)"
                : fate.reason());
        continue;
      }
      String sandboxId = sandbox.files(e.getKey()).lease().map(l -> l.sandboxId()).orElse(null);
      SessionReceipt receipt =
          sandbox.release(
              new SessionRequest(sandboxId, e.getKey(), "swept by the janitor: " + fate.reason()));
      released.put(e.getKey(), fate.reason() + "; " + receipt.detail());
      log.info("sandbox janitor released {}: {}; {}", e.getKey(), fate.reason(), receipt.detail());
    }
    kept.forEach((id, why) -> log.info("sandbox janitor kept {}: {}", id, why));
    if (!unowned.isEmpty()) {
      log.info(
          "sandbox janitor left {} box(es) with no recorded owner alone: {}",
          unowned.size(),
          unowned);
    }
    return new Report(released, kept, unowned);
  }

  private List<String> sessionIds() {
    Path dir = sandbox.sessionsDir();
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        // .scratch and .repo-locks are the provider's own, not sessions.
        if (!name.startsWith(".") && Files.isDirectory(p.resolve("control"))) {
          ids.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("sandbox janitor: cannot list " + dir, e);
    }
    ids.sort(null);
    return ids;
  }
}
