package dev.tally.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.blob.FilesystemBlobStore;
import dev.tally.blob.ManagedBlobStore;
import dev.tally.blob.S3BlobStore;
import dev.tally.blob.StoredBlob;
import dev.tally.json.Json;
import dev.tally.router.ChatMessage;
import dev.tally.router.ConversationStore;
import dev.tally.testkit.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's decisions on both stores; run states come from a map at the port's edge. */
class ConversationSweepTest {
  private static final Duration MONTH = Duration.ofDays(30);
  @TempDir Path dir;

  /** Writes a two-segment conversation for {@code owner} and returns both refs. */
  private static List<String> conversation(ManagedBlobStore store, String owner) {
    ConversationStore conversations = new ConversationStore(store, 0);
    String first = conversations.append(owner, null, List.of(ChatMessage.user("hi " + owner)));
    String second =
        conversations.append(owner, first, List.of(ChatMessage.assistant("hello", null)));
    return List.of(first, second);
  }

  private static RunLookup states(Instant now) {
    Map<String, RunLookup.RunState> known =
        Map.of(
            "closed-long-ago", RunLookup.RunState.closed(now.minus(Duration.ofDays(40))),
            "closed-yesterday", RunLookup.RunState.closed(now.minus(Duration.ofDays(1))),
            "still-open", RunLookup.RunState.running());
    return id -> known.getOrDefault(id, RunLookup.RunState.notFound());
  }

  private static void assertSweep(ManagedBlobStore store, Instant now, Runnable ageEverything) {
    List<String> closedLongAgo = conversation(store, "closed-long-ago");
    List<String> closedYesterday = conversation(store, "closed-yesterday");
    List<String> open = conversation(store, "still-open");
    List<String> forgotten = conversation(store, "history-gone");
    String legacy =
        store.put(
            Json.canonical(List.of(ChatMessage.user("from before segments")))
                .getBytes(StandardCharsets.UTF_8));
    ageEverything.run();
    ConversationSweep sweep = new ConversationSweep(store, states(now));

    ConversationSweep.Report dry = sweep.sweep(now, MONTH, true);
    assertThat(dry.deleted()).isEqualTo(4);
    assertThat(refs(store)).hasSize(9);

    ConversationSweep.Report r = sweep.sweep(now, MONTH, false);

    assertThat(r.deletedOwners()).containsExactly("closed-long-ago", "history-gone");
    assertThat(r.deleted()).isEqualTo(4);
    assertThat(r.keptOpen()).isEqualTo(2);
    assertThat(r.keptClosedRecently()).isEqualTo(2);
    assertThat(r.keptUnknownOwner()).isEqualTo(1);
    List<String> left = refs(store);
    assertThat(left)
        .doesNotContainAnyElementsOf(closedLongAgo)
        .doesNotContainAnyElementsOf(forgotten);
    assertThat(left).containsAll(open).containsAll(closedYesterday).contains(legacy);
    // The open run's conversation still loads, whole.
    assertThat(new ConversationStore(store, 0).load(open.get(1))).hasSize(2);
  }

  private static List<String> refs(ManagedBlobStore store) {
    List<String> refs = new ArrayList<>();
    store.forEachBlob(b -> refs.add(b.ref()));
    return refs;
  }

  @Test
  void sweep_filesystemStore_deletesOnlyRunsClosedBeforeTheCutoff() {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    Instant now = Instant.now();
    assertSweep(store, now, () -> ageFiles(store, now.minus(Duration.ofDays(45))));
  }

  @Test
  void sweep_s3Store_deletesOnlyRunsClosedBeforeTheCutoff() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("gc-test");
      try (S3BlobStore store = new S3BlobStore(server.client(), "gc-test", "gc/")) {
        // S3 stamps its own write time; the sweep is run as if 45 days had passed since.
        Instant later = Instant.now().plus(Duration.ofDays(45));
        assertSweep(store, later, () -> {});
      }
    }
  }

  @Test
  void sweep_blobsWrittenAfterTheCutoff_areNeitherReadNorDeleted() {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    conversation(store, "closed-long-ago");
    List<String> asked = new ArrayList<>();
    ConversationSweep sweep =
        new ConversationSweep(
            store,
            id -> {
              asked.add(id);
              return RunLookup.RunState.notFound();
            });

    ConversationSweep.Report r = sweep.sweep(Instant.now(), MONTH, false);

    assertThat(r.keptRecent()).isEqualTo(2);
    assertThat(r.deleted()).isZero();
    assertThat(asked).isEmpty();
  }

  private static void ageFiles(FilesystemBlobStore store, Instant at) {
    List<StoredBlob> all = new ArrayList<>();
    store.forEachBlob(all::add);
    for (StoredBlob b : all) {
      String hex = b.ref().substring("sha256:".length());
      Path file = store.dir().resolve(hex.substring(0, 2)).resolve(hex.substring(2));
      try {
        Files.setLastModifiedTime(file, FileTime.from(at));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
