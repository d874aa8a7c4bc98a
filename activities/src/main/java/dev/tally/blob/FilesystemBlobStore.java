package dev.tally.blob;

import dev.tally.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A blob store in a directory, shared by every worker process on one host.
 *
 * <p>A blob lives at {@code <dir>/<first 2 hex>/<other 62 hex>}: the two-character shard keeps any
 * one directory small. Writes go to a temporary file in the shard directory and are renamed into
 * place atomically once whole, so a reader in another process sees either nothing or the whole
 * blob, never a torn one. Two processes writing the same blob at once both succeed: the bytes are
 * identical by construction, so whichever rename lands last changes nothing.
 *
 * <p>Durable on return, bytes and name: the temporary file is written, renamed into place and then
 * flushed through the descriptor still open on it. A rename changes the renamed file's own metadata
 * (its change time) in the same journal transaction as the directory entry, so the file's flush
 * commits the new name with the bytes on ext4, XFS and btrfs (file-system behaviour rather than a
 * POSIX promise), for the price of one journal commit; flushing the bytes before the rename (as
 * this store once did) left the name to the next periodic commit, seconds later, while its
 * reference was already in history. Until the flush returns the blob is visible but not yet
 * durable, which harms nobody: its reference has not been handed out, an identical concurrent put
 * flushes it again itself, and a crash in that gap leaves a short file that the next put of the
 * same bytes replaces (and that a read rejects by its hash). A shard directory is created, and its
 * own name flushed, once per process.
 */
public final class FilesystemBlobStore implements ManagedBlobStore {
  /** The file name part of a blob: the 62 hex digits after the shard's two. */
  private static final Pattern REST = Pattern.compile("[0-9a-f]{62}");

  private final Path dir;

  /** Shard directories known to exist with their names on disk: created or flushed once. */
  private final Set<Path> durableShards = ConcurrentHashMap.newKeySet();

  /** A store rooted at {@code dir}, which is created on first write if it does not exist. */
  public FilesystemBlobStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
  }

  /** The directory this store writes into. */
  public Path dir() {
    return dir;
  }

  @Override
  public String put(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    String ref = Json.sha256Ref(bytes);
    Path target = pathOf(BlobRef.hex(ref));
    Path shard = target.getParent();
    Path temp = null;
    try {
      if (storedWhole(target, bytes.length)) {
        // Another writer stored it, maybe one killed before its flush: flushed here too before
        // the reference is handed out.
        flush(target);
        return ref;
      }
      ensureShard(shard);
      temp = shard.resolve(".incoming-" + UUID.randomUUID() + ".tmp");
      try (FileChannel channel = create(shard, temp)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // Renamed before the flush, through the same open file: the one flush then carries the
        // bytes and the new name together (see the class comment), one journal commit per put.
        if (moveIntoPlace(temp, target)) {
          temp = null;
        }
        channel.force(true);
      }
      if (temp != null) {
        // Another writer's identical copy took the name first: make sure it is on disk.
        flush(target);
      }
      return ref;
    } catch (IOException e) {
      throw new UncheckedIOException("blob store " + dir + ": could not write " + ref, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Whether {@code target} holds a blob of {@code size} bytes: a file of another size is what a
   * crash between a rename and its flush can leave, and is written again.
   */
  private static boolean storedWhole(Path target, long size) throws IOException {
    try {
      return Files.size(target) == size;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Creates {@code temp} in {@code shard}, making the shard again if it was removed meanwhile. */
  private FileChannel create(Path shard, Path temp) throws IOException {
    try {
      return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      // The shard was removed behind this process's back (the store emptied by hand): again.
      durableShards.remove(shard);
      ensureShard(shard);
      return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
  }

  /** Flushes an existing blob's bytes and name to disk. */
  private static void flush(Path blob) throws IOException {
    try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public Optional<byte[]> get(String ref) {
    Path path = pathOf(BlobRef.hex(ref));
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("blob store " + dir + ": could not read " + ref, e);
    }
    // Content addressing makes corruption detectable for the price of one hash; a corrupt blob
    // handed on silently would surface much later as a baffling model reply.
    String actual = Json.sha256Ref(bytes);
    if (!actual.equals(ref)) {
      throw new IllegalStateException(
          "blob store "
              + dir
              + ": "
              + path
              + " should hash to "
              + ref
              + " but hashes to "
              + actual);
    }
    return Optional.of(bytes);
  }

  @Override
  public void forEachBlob(Consumer<StoredBlob> each) {
    Objects.requireNonNull(each, "each");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, "[0-9a-f][0-9a-f]")) {
      for (Path shard : shards) {
        try (DirectoryStream<Path> blobs = Files.newDirectoryStream(shard)) {
          for (Path blob : blobs) {
            String hex = shard.getFileName().toString() + blob.getFileName();
            if (!REST.matcher(blob.getFileName().toString()).matches()) {
              continue;
            }
            BasicFileAttributes a = readAttributes(blob);
            if (a != null) {
              each.accept(
                  new StoredBlob("sha256:" + hex, a.size(), a.lastModifiedTime().toInstant()));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("blob store " + dir + ": could not list", e);
    }
  }

  @Override
  public void delete(String ref) {
    try {
      Files.deleteIfExists(pathOf(BlobRef.hex(ref)));
    } catch (IOException e) {
      throw new UncheckedIOException("blob store " + dir + ": could not delete " + ref, e);
    }
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  @Override
  public void close() {
    // Nothing is held open between calls.
  }

  /** The attributes of {@code blob}, or null when another process deleted it meanwhile. */
  private static BasicFileAttributes readAttributes(Path blob) throws IOException {
    try {
      return Files.readAttributes(blob, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private Path pathOf(String hex) {
    return dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  /**
   * Creates {@code shard} (and the store's directory) if needed and flushes the names created, once
   * per shard per process: a blob's name is only as durable as the directories above it.
   */
  private void ensureShard(Path shard) throws IOException {
    if (durableShards.contains(shard)) {
      return;
    }
    boolean storeExisted = Files.isDirectory(dir);
    boolean shardExisted = Files.isDirectory(shard);
    Files.createDirectories(shard);
    if (!storeExisted) {
      flushDirectory(dir.getParent());
    }
    if (!shardExisted) {
      flushDirectory(dir);
    }
    durableShards.add(shard);
  }

  /** Flushes a directory's entries to disk (where the platform allows opening a directory). */
  private static void flushDirectory(Path directory) throws IOException {
    if (directory == null) {
      return;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(directory, StandardOpenOption.READ);
    } catch (IOException e) {
      if (!Files.isDirectory(directory)) {
        throw e;
      }
      // Some platforms (Windows) cannot open a directory at all; their renames are made durable
      // by the file system itself, and there is nothing more to ask for.
      return;
    }
    try (channel) {
      // A failed flush is a failed write: the error goes to the caller, never swallowed.
      channel.force(true);
    }
  }

  /** Renames {@code temp} to {@code target}; false when another writer's copy is there instead. */
  private static boolean moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (FileAlreadyExistsException e) {
      // Some filesystems refuse to rename over an existing file; another writer stored the same
      // bytes first, which is just as good.
      return false;
    } catch (AtomicMoveNotSupportedException e) {
      if (!Files.exists(target)) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        return true;
      }
      return false;
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // A stray temporary file is harmless: its name never matches a blob reference.
    }
  }
}
