package dev.tally.blob;

import dev.tally.json.Json;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A blob store that lives in this process's memory: for tests and for a worker that shares its
 * process with everything that reads its blobs (the embedded demo).
 */
public final class InMemoryBlobStore implements BlobStore {
  private final ConcurrentMap<String, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public String put(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    String ref = Json.sha256Ref(bytes);
    blobs.putIfAbsent(ref, bytes.clone());
    return ref;
  }

  @Override
  public Optional<byte[]> get(String ref) {
    BlobRef.hex(ref);
    byte[] stored = blobs.get(ref);
    return stored == null ? Optional.empty() : Optional.of(stored.clone());
  }

  /** How many distinct blobs are stored. */
  public int size() {
    return blobs.size();
  }
}
