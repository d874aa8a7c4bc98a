package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.blob.BlobStore;
import dev.tally.blob.FilesystemBlobStore;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.blob.S3BlobStore;
import dev.tally.json.Json;
import dev.tally.supervise.Failures;
import dev.tally.testkit.S3ProxyServer;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationStoreTest {
  @TempDir Path dir;

  private static final String OWNER = "run-1";

  private static final List<ChatMessage> FIRST_TURN =
      List.of(
          ChatMessage.system("coordinate"),
          ChatMessage.user("write a haiku"),
          ChatMessage.assistant(
              "", List.of(new ToolCall("call_1", "spawn_worker", Json.parse("{\"task\":\"h\"}")))));

  private static final List<ChatMessage> SECOND_TURN =
      List.of(
          ChatMessage.tool("call_1", "spawn_worker", "{\"workerId\":\"r:s1\"}"),
          ChatMessage.assistant("done", null));

  @Test
  void appendThenLoad_walksTheChainAndRoundTripsEveryField() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));

    String first = store.append(OWNER, null, FIRST_TURN);
    String second = store.append(OWNER, first, SECOND_TURN);

    List<ChatMessage> all = new ArrayList<>(FIRST_TURN);
    all.addAll(SECOND_TURN);
    assertThat(store.load(second)).isEqualTo(all);
    assertThat(store.load(first)).isEqualTo(FIRST_TURN);
  }

  @Test
  void load_onAnotherWorkerWithAnEmptyCache_readsTheSameConversation() {
    ConversationStore a = new ConversationStore(new FilesystemBlobStore(dir));
    ConversationStore b = new ConversationStore(new FilesystemBlobStore(dir));

    String ref = a.append(OWNER, a.append(OWNER, null, FIRST_TURN), SECOND_TURN);

    assertThat(b.load(ref)).hasSize(FIRST_TURN.size() + SECOND_TURN.size());
  }

  @Test
  void loadMeasured_warmOrCold_estimateBytesEqualMeasuringTheWholeConversation() {
    ConversationStore warm = new ConversationStore(new FilesystemBlobStore(dir));
    String ref = warm.append(OWNER, warm.append(OWNER, null, FIRST_TURN), SECOND_TURN);
    ConversationStore cold = new ConversationStore(new FilesystemBlobStore(dir));

    List<ChatMessage> all = new ArrayList<>(FIRST_TURN);
    all.addAll(SECOND_TURN);
    long measured = InputEstimate.messageBytes(all);
    assertThat(measured).isPositive();
    assertThat(warm.loadMeasured(ref).estimateBytes()).isEqualTo(measured);
    assertThat(cold.loadMeasured(ref).estimateBytes()).isEqualTo(measured);
    assertThat(cold.loadMeasured(ref).messages()).isEqualTo(all);
    assertThat(InputEstimate.tokens(measured, all.size(), null))
        .isEqualTo(InputEstimate.tokens(all, null));
  }

  @Test
  void append_sameMessagesForAnotherOwner_isAnotherSegment() {
    ConversationStore store = new ConversationStore(new InMemoryBlobStore());

    assertThat(store.append("run-a", null, FIRST_TURN))
        .isNotEqualTo(store.append("run-b", null, FIRST_TURN));
  }

  @Test
  void append_storesOnlyTheTurnsNewMessages_soBytesPerTurnStayFlat() {
    CountingBlobStore blobs = new CountingBlobStore(new InMemoryBlobStore());
    ConversationStore store = new ConversationStore(blobs);
    String ref = null;
    long[] bytesAfter = new long[1_001];
    for (int turn = 1; turn <= 1_000; turn++) {
      ref =
          store.append(
              OWNER,
              ref,
              List.of(
                  ChatMessage.tool("call_" + turn, "wait", "{\"turn\":" + turn + "}"),
                  ChatMessage.assistant("turn " + turn, null)));
      bytesAfter[turn] = blobs.bytesWritten.get();
    }
    double perTurnAt10 = bytesAfter[10] / 10.0;
    double perTurnAt1000 = bytesAfter[1_000] / 1_000.0;
    assertThat(perTurnAt1000).isLessThanOrEqualTo(1.5 * perTurnAt10);
    assertThat(store.load(ref)).hasSize(2_000);
  }

  @Test
  void load_warmCache_readsNothingFromTheStore() {
    CountingBlobStore blobs = new CountingBlobStore(new InMemoryBlobStore());
    ConversationStore store = new ConversationStore(blobs);
    String ref = null;
    for (int turn = 0; turn < 50; turn++) {
      ref = store.append(OWNER, ref, SECOND_TURN);
    }

    store.load(ref);

    assertThat(blobs.reads.get()).isZero();
  }

  @Test
  void load_coldCache_readsEachSegmentOnceThenNeverAgain() {
    InMemoryBlobStore shared = new InMemoryBlobStore();
    ConversationStore writer = new ConversationStore(shared);
    String ref = null;
    for (int turn = 0; turn < 20; turn++) {
      ref = writer.append(OWNER, ref, SECOND_TURN);
    }
    CountingBlobStore counted = new CountingBlobStore(shared);
    ConversationStore reader = new ConversationStore(counted);

    reader.load(ref);
    reader.load(ref);

    assertThat(counted.reads.get()).isEqualTo(20);
  }

  @Test
  void load_cacheSmallerThanTheChain_stillLoadsEverything() {
    InMemoryBlobStore shared = new InMemoryBlobStore();
    ConversationStore store = new ConversationStore(shared, 600);
    String ref = null;
    for (int turn = 0; turn < 30; turn++) {
      ref = store.append(OWNER, ref, SECOND_TURN);
    }
    assertThat(store.load(ref)).hasSize(60);
  }

  @Test
  void load_legacyWholeConversationBlob_isTheFirstLinkOfItsChain() {
    InMemoryBlobStore blobs = new InMemoryBlobStore();
    String legacy = blobs.put(Json.canonical(FIRST_TURN).getBytes(StandardCharsets.UTF_8));
    ConversationStore store = new ConversationStore(blobs);

    String next = store.append(OWNER, legacy, SECOND_TURN);

    assertThat(store.load(legacy)).isEqualTo(FIRST_TURN);
    assertThat(store.load(next)).hasSize(FIRST_TURN.size() + SECOND_TURN.size());
  }

  @Test
  void load_nullRef_isANewEmptyConversation() {
    assertThat(new ConversationStore(new FilesystemBlobStore(dir)).load(null)).isEmpty();
  }

  @Test
  void load_missingRef_isNonRetryableConversationMissingNamingTheRef() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));
    String ref = Json.sha256Ref(new byte[] {7});

    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> store.load(ref));

    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains(ref);
  }

  @Test
  void load_earlierSegmentMissing_namesBothTheHeadAndTheMissingSegment() {
    InMemoryBlobStore blobs = new InMemoryBlobStore();
    String gone = Json.sha256Ref("never stored".getBytes(StandardCharsets.UTF_8));
    String head = new ConversationStore(blobs).append(OWNER, gone, SECOND_TURN);

    ApplicationFailure f =
        catchThrowableOfType(
            ApplicationFailure.class, () -> new ConversationStore(blobs).load(head));

    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.getOriginalMessage()).contains(head).contains(gone);
  }

  @Test
  void load_malformedRef_isNonRetryableConversationMissing() {
    ConversationStore store = new ConversationStore(new FilesystemBlobStore(dir));

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> store.load("sha256:../../x"));

    assertThat(f.getType()).isEqualTo(Failures.CONVERSATION_MISSING);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("sha256:../../x");
  }

  @Test
  void appendThenLoad_onS3_walksTheChainAcrossTwoWorkers() {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("conversations");
      try (S3BlobStore a = new S3BlobStore(server.client(), "conversations", "t/");
          S3BlobStore b = new S3BlobStore(server.client(), "conversations", "t/")) {
        ConversationStore hostA = new ConversationStore(a);
        String ref = hostA.append(OWNER, hostA.append(OWNER, null, FIRST_TURN), SECOND_TURN);
        assertThat(new ConversationStore(b).load(ref))
            .hasSize(FIRST_TURN.size() + SECOND_TURN.size());
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void load_s3BucketMissing_isNonRetryableBucketMissing() {
    try (S3ProxyServer server = S3ProxyServer.start();
        S3BlobStore blobs = new S3BlobStore(server.client(), "not-created", "")) {
      ApplicationFailure f =
          catchThrowableOfType(
              ApplicationFailure.class,
              () -> new ConversationStore(blobs).load(Json.sha256Ref(new byte[] {1})));
      assertThat(f.getType()).isEqualTo(Failures.BLOB_STORE_BUCKET_MISSING);
      assertThat(f.isNonRetryable()).isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Counts what passes through to the real store underneath. */
  private static final class CountingBlobStore implements BlobStore {
    final BlobStore inner;
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicInteger reads = new AtomicInteger();

    CountingBlobStore(BlobStore inner) {
      this.inner = inner;
    }

    @Override
    public String put(byte[] bytes) {
      bytesWritten.addAndGet(bytes.length);
      return inner.put(bytes);
    }

    @Override
    public Optional<byte[]> get(String ref) {
      reads.incrementAndGet();
      return inner.get(ref);
    }
  }
}
