package dev.tally.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilesystemBlobStoreTest {
  @TempDir Path dir;

  @Test
  void putThenGet_returnsSameBytesUnderContentAddress() {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    byte[] bytes = "the conversation".getBytes(StandardCharsets.UTF_8);

    String ref = store.put(bytes);

    assertThat(ref).isEqualTo(Json.sha256Ref(bytes));
    assertThat(store.get(ref)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
  }

  @Test
  void put_storesInShardDirectoryNamedByFirstTwoHexDigits() {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);

    String hex = BlobRef.hex(store.put(new byte[] {1, 2, 3}));

    assertThat(dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2))).isRegularFile();
  }

  @Test
  void put_sameBytesTwice_sameRefOneFileNoTemporaries() throws IOException {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);

    String a = store.put(new byte[] {9});
    String b = store.put(new byte[] {9});

    assertThat(a).isEqualTo(b);
    assertThat(allFiles()).hasSize(1);
  }

  @Test
  void put_overAShortFileACrashLeft_writesTheWholeBlobAgain() throws IOException {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    byte[] bytes = "a whole segment".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String ref = store.put(bytes);
    String hex = BlobRef.hex(ref);
    Path file = dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    // What a power cut between the rename and its flush can leave: the name, not the bytes.
    Files.write(file, new byte[0]);

    assertThat(store.put(bytes)).isEqualTo(ref);
    assertThat(store.get(ref)).contains(bytes);
    assertThat(allFiles()).hasSize(1);
  }

  @Test
  void put_storeDirectoryRemovedBehindItsBack_createsItAgain() throws IOException {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    store.put(new byte[] {1});
    deleteTree(dir);

    String ref = store.put(new byte[] {1});

    assertThat(store.get(ref)).contains(new byte[] {1});
  }

  @Test
  void get_unknownValidRef_isEmpty() {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);

    assertThat(store.get(Json.sha256Ref(new byte[] {42}))).isEmpty();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "abc",
        "sha256:xyz",
        "sha256:../../../../etc/passwd",
        "md5:0123456789abcdef0123456789abcdef",
        "SHA256:0000000000000000000000000000000000000000000000000000000000000000",
        "sha256:ABCDEF0000000000000000000000000000000000000000000000000000000000",
        "sha256:0000000000000000000000000000000000000000000000000000000000000000/x"
      })
  void get_malformedRef_isRejectedWithExpectedForm(String ref) {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);

    assertThatThrownBy(() -> store.get(ref))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sha256:")
        .hasMessageContaining("64 lowercase hex");
  }

  @Test
  void get_corruptedBlob_isReportedNotReturned() throws IOException {
    FilesystemBlobStore store = new FilesystemBlobStore(dir);
    String ref = store.put("original".getBytes(StandardCharsets.UTF_8));
    String hex = BlobRef.hex(ref);
    Files.writeString(dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2)), "tampered");

    assertThatThrownBy(() -> store.get(ref))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ref);
  }

  @Test
  void put_concurrentWritersOfSameAndDifferentBlobs_allReadBackWhole() throws Exception {
    // Two store instances over one directory stand in for two worker processes on one host.
    FilesystemBlobStore first = new FilesystemBlobStore(dir);
    FilesystemBlobStore second = new FilesystemBlobStore(dir);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> refs = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        FilesystemBlobStore store = i % 2 == 0 ? first : second;
        byte[] bytes = ("blob " + (i % 8) + " ").repeat(5_000).getBytes(StandardCharsets.UTF_8);
        Callable<String> put = () -> store.put(bytes);
        refs.add(pool.submit(put));
      }
      for (Future<String> f : refs) {
        String ref = f.get();
        byte[] back = first.get(ref).orElseThrow();
        assertThat(Json.sha256Ref(back)).isEqualTo(ref);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(allFiles()).hasSize(8);
  }

  private List<Path> allFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
