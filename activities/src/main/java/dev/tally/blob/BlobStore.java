package dev.tally.blob;

import java.util.Optional;

/**
 * A content-addressed store of byte blobs. A blob's reference is {@code "sha256:" + hex(sha256)} of
 * its bytes, so the same bytes always get the same reference and a stored blob never changes.
 *
 * <p>The port is deliberately two methods wide so that a filesystem, an in-memory map and an
 * S3-compatible bucket can all implement it without adapters.
 */
public interface BlobStore {
  /**
   * Stores {@code bytes} and returns their content address. Storing the same bytes again returns
   * the same reference and is harmless, also from several processes at once.
   */
  String put(byte[] bytes);

  /**
   * The bytes stored under {@code ref}, or empty when nothing is stored there.
   *
   * @throws IllegalArgumentException when {@code ref} is not of the form {@code sha256:<64 hex>}
   */
  Optional<byte[]> get(String ref);
}
