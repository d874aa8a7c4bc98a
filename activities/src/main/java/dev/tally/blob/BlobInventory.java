package dev.tally.blob;

import java.util.function.Consumer;

/**
 * The housekeeping side of a blob store: list what is stored and delete it. Kept apart from {@link
 * BlobStore} because activities only ever put and get; only {@code tally gc} lists and deletes.
 */
public interface BlobInventory {
  /**
   * Hands every stored blob to {@code each}, in no particular order, one page at a time so a large
   * store is never held in memory.
   */
  void forEachBlob(Consumer<StoredBlob> each);

  /** Deletes the blob under {@code ref}; deleting one that is not there is harmless. */
  void delete(String ref);

  /** Where this store lives, for messages: a directory or {@code s3://bucket/prefix}. */
  String describe();
}
