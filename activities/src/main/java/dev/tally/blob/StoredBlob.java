package dev.tally.blob;

import java.time.Instant;
import java.util.Objects;

/**
 * One blob as a store's listing shows it, without its bytes.
 *
 * @param ref its content address
 * @param size its length in bytes
 * @param lastModified when it was written
 */
public record StoredBlob(String ref, long size, Instant lastModified) {
  public StoredBlob {
    BlobRef.hex(ref);
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
