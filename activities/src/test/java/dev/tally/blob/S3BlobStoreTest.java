package dev.tally.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.json.Json;
import dev.tally.testkit.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The S3 store against a real S3 API (S3Proxy on loopback), never a mock of it. */
class S3BlobStoreTest {
  private static final String BUCKET = "tally-blobs";
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static S3BlobStore store(String prefix) {
    return new S3BlobStore(server.client(), BUCKET, prefix);
  }

  @Test
  void put_thenGet_returnsTheSameBytesUnderTheirContentAddress() {
    try (S3BlobStore store = store("roundtrip/")) {
      byte[] bytes = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);
      String ref = store.put(bytes);
      assertThat(ref).isEqualTo(Json.sha256Ref(bytes));
      assertThat(store.get(ref)).hasValue(bytes);
    }
  }

  @Test
  void get_missingObject_isEmpty() {
    try (S3BlobStore store = store("missing/")) {
      assertThat(store.get(Json.sha256Ref(new byte[] {1, 2, 3}))).isEmpty();
    }
  }

  @Test
  void get_fromAnotherStoreOnTheSameBucket_seesWhatTheFirstWrote() {
    try (S3BlobStore a = store("shared/");
        S3BlobStore b = store("shared/")) {
      String ref = a.put("written by host a".getBytes(StandardCharsets.UTF_8));
      assertThat(b.get(ref)).hasValue("written by host a".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void put_sameBytesFromManyWritersAtOnce_allSucceedWithOneBlob() {
    try (S3BlobStore store = store("race/")) {
      byte[] bytes = "same bytes".getBytes(StandardCharsets.UTF_8);
      List<CompletableFuture<String>> writes =
          IntStream.range(0, 8)
              .mapToObj(i -> CompletableFuture.supplyAsync(() -> store.put(bytes)))
              .toList();
      assertThat(writes.stream().map(CompletableFuture::join).distinct()).hasSize(1);
      List<StoredBlob> listed = new ArrayList<>();
      store.forEachBlob(listed::add);
      assertThat(listed).extracting(StoredBlob::ref).containsExactly(Json.sha256Ref(bytes));
    }
  }

  @Test
  void get_wrongCredentials_failsAsAccessDeniedWithoutTheKey() {
    try (S3BlobStore store =
        new S3BlobStore(server.client("someone-else", "wrong-secret-key"), BUCKET, "")) {
      assertThatThrownBy(() -> store.get(Json.sha256Ref(new byte[] {9})))
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> assertThat(e.kind()).isEqualTo(BlobStoreException.Kind.ACCESS_DENIED))
          .hasMessageContaining("access denied")
          .hasMessageNotContaining("wrong-secret-key");
    }
  }

  @Test
  void put_bucketMissing_failsAsBucketMissingNamingTheBucket() {
    try (S3BlobStore store = new S3BlobStore(server.client(), "no-such-bucket", "")) {
      assertThatThrownBy(() -> store.put(new byte[] {1}))
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> assertThat(e.kind()).isEqualTo(BlobStoreException.Kind.BUCKET_MISSING))
          .hasMessageContaining("'no-such-bucket' does not exist");
      assertThatThrownBy(store::checkBucket)
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> assertThat(e.kind()).isEqualTo(BlobStoreException.Kind.BUCKET_MISSING));
    }
  }

  @Test
  void get_serverGone_failsAsUnavailableSoTemporalRetries() throws Exception {
    S3ProxyServer doomed = S3ProxyServer.start();
    doomed.createBucket(BUCKET);
    S3BlobStore store = new S3BlobStore(doomed.client(), BUCKET, "");
    doomed.close();
    try (store) {
      assertThatThrownBy(() -> store.get(Json.sha256Ref(new byte[] {4})))
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(BlobStoreException.Kind.UNAVAILABLE);
                assertThat(e.kind().retryable()).isTrue();
              });
    }
  }

  @Test
  void delete_removesTheBlobAndIsHarmlessTwice() {
    try (S3BlobStore store = store("delete/")) {
      String ref = store.put("short-lived".getBytes(StandardCharsets.UTF_8));
      store.delete(ref);
      store.delete(ref);
      assertThat(store.get(ref)).isEmpty();
    }
  }

  @Test
  void forEachBlob_listsOnlyItsOwnPrefix_acrossPages() {
    try (S3BlobStore mine = store("paged/");
        S3BlobStore other = store("elsewhere/")) {
      other.put("not mine".getBytes(StandardCharsets.UTF_8));
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 1_005; i++) {
        refs.add(mine.put(("blob " + i).getBytes(StandardCharsets.UTF_8)));
      }
      List<String> listed = new ArrayList<>();
      mine.forEachBlob(b -> listed.add(b.ref()));
      assertThat(listed).containsExactlyInAnyOrderElementsOf(refs);
    }
  }

  @Test
  void open_fromEnvironment_usesTheBucketAndChecksIt() {
    Map<String, String> env = server.workerEnv(BUCKET, "env");
    BlobStoreConfig config = BlobStoreConfig.fromEnv(env, java.nio.file.Path.of("/unused"));
    assertThat(config.prefix()).isEqualTo("env/");
    try (ManagedBlobStore store = config.open()) {
      String ref = store.put("from env".getBytes(StandardCharsets.UTF_8));
      assertThat(store.get(ref)).isPresent();
      assertThat(store.describe()).isEqualTo("s3://tally-blobs/env/");
    }
    Map<String, String> missing = new java.util.HashMap<>(env);
    missing.put("TALLY_S3_BUCKET", "absent-bucket");
    BlobStoreConfig absent = BlobStoreConfig.fromEnv(missing, java.nio.file.Path.of("/unused"));
    assertThatThrownBy(() -> absent.open())
        .isInstanceOf(BlobStoreException.class)
        .hasMessageContaining("absent-bucket");
  }
}
