package dev.tally.gc;

import dev.tally.blob.BlobInventory;
import dev.tally.blob.BlobStore;
import dev.tally.blob.StoredBlob;
import dev.tally.router.ConversationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code tally gc}: deletes the stored conversations of runs that closed longer ago than a cutoff,
 * on any store that can list and delete (SPEC §9).
 *
 * <p>Every segment names the workflow that owns it, so the decision is made per owner and asked of
 * Temporal once per owner: a running owner, or one with a running workflow above it, keeps all its
 * segments whatever their age; so does one that closed after the cutoff. A blob written after the
 * cutoff is never even read, since a run that closed before the cutoff wrote nothing after it. An
 * owner Temporal no longer knows closed so long ago that its history is gone, and nothing can read
 * its conversation again. Blobs whose owner is unknown (whole conversations written before segments
 * existed) are kept and counted, never guessed at.
 */
public final class ConversationSweep {
  private final BlobStore blobs;
  private final BlobInventory inventory;
  private final RunLookup runs;

  public <S extends BlobStore & BlobInventory> ConversationSweep(S store, RunLookup runs) {
    this.blobs = Objects.requireNonNull(store, "store");
    this.inventory = store;
    this.runs = Objects.requireNonNull(runs, "runs");
  }

  /**
   * What one sweep found and did.
   *
   * @param scanned blobs listed
   * @param deleted blobs deleted (or that would be, in a dry run)
   * @param deletedBytes their size
   * @param keptRecent blobs written after the cutoff
   * @param keptOpen blobs of runs still open
   * @param keptClosedRecently blobs of runs closed after the cutoff
   * @param keptUnknownOwner blobs that name no owner
   * @param deletedOwners the workflows whose conversations were deleted, sorted
   * @param ownersFound owners of old blobs that Temporal knows
   * @param ownersUnknown owners of old blobs that Temporal does not know (history gone)
   */
  public record Report(
      long scanned,
      long deleted,
      long deletedBytes,
      long keptRecent,
      long keptOpen,
      long keptClosedRecently,
      long keptUnknownOwner,
      List<String> deletedOwners,
      long ownersFound,
      long ownersUnknown) {}

  /**
   * Sweeps the store.
   *
   * @param now the time the cutoff is measured from
   * @param olderThan how long ago a run must have closed for its conversations to go
   * @param dryRun decide and report, but delete nothing
   */
  public Report sweep(Instant now, Duration olderThan, boolean dryRun) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(olderThan, "olderThan");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("--older-than: expected 0 or more, got " + olderThan);
    }
    Instant cutoff = now.minus(olderThan);
    List<StoredBlob> candidates = new ArrayList<>();
    long[] counts = new long[2];
    inventory.forEachBlob(
        b -> {
          counts[0]++;
          if (b.lastModified().isBefore(cutoff)) {
            candidates.add(b);
          } else {
            counts[1]++;
          }
        });
    Map<String, RunLookup.RunState> states = new HashMap<>();
    long deleted = 0;
    long deletedBytes = 0;
    long keptOpen = 0;
    long keptClosedRecently = 0;
    long keptUnknown = 0;
    java.util.TreeSet<String> deletedOwners = new java.util.TreeSet<>();
    for (StoredBlob b : candidates) {
      Optional<byte[]> bytes = blobs.get(b.ref());
      if (bytes.isEmpty()) {
        continue; // Deleted by someone else meanwhile.
      }
      Optional<String> owner = ConversationStore.ownerOf(bytes.get());
      if (owner.isEmpty()) {
        keptUnknown++;
        continue;
      }
      RunLookup.RunState state = states.computeIfAbsent(owner.get(), runs::state);
      if (state.open()) {
        keptOpen++;
        continue;
      }
      if (state.found() && !state.closedAt().isBefore(cutoff)) {
        keptClosedRecently++;
        continue;
      }
      if (!dryRun) {
        inventory.delete(b.ref());
      }
      deleted++;
      deletedBytes += b.size();
      deletedOwners.add(owner.get());
    }
    long found = states.values().stream().filter(RunLookup.RunState::found).count();
    return new Report(
        counts[0],
        deleted,
        deletedBytes,
        counts[1],
        keptOpen,
        keptClosedRecently,
        keptUnknown,
        List.copyOf(deletedOwners),
        found,
        states.size() - found);
  }
}
