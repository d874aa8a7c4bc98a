package dev.tally.blob;

/**
 * A blob store a worker or the CLI opens from its configuration: put and get for activities, list
 * and delete for {@code tally gc}, and a close for the connections it holds.
 */
public interface ManagedBlobStore extends BlobStore, BlobInventory, AutoCloseable {
  /** Releases connections; the filesystem store holds none. */
  @Override
  void close();
}
