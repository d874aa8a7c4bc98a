package dev.tally.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.json.Json;
import org.junit.jupiter.api.Test;

class InMemoryBlobStoreTest {
  private final InMemoryBlobStore store = new InMemoryBlobStore();

  @Test
  void putThenGet_roundTripsUnderContentAddress() {
    byte[] bytes = {1, 2, 3};

    String ref = store.put(bytes);

    assertThat(ref).isEqualTo(Json.sha256Ref(bytes));
    assertThat(store.get(ref)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
    assertThat(store.get(Json.sha256Ref(new byte[] {4}))).isEmpty();
  }

  @Test
  void storedBlob_isImmuneToCallerMutation() {
    byte[] bytes = {1, 2, 3};
    String ref = store.put(bytes);

    bytes[0] = 99;
    store.get(ref).orElseThrow()[1] = 99;

    assertThat(store.get(ref).orElseThrow()).containsExactly(1, 2, 3);
  }

  @Test
  void get_malformedRef_isRejected() {
    assertThatThrownBy(() -> store.get("sha256:nothex"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex");
  }
}
