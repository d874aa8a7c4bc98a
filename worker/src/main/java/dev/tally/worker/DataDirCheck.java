package dev.tally.worker;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start-up check that a directory under {@code TALLY_DATA_DIR} can be created and written: one
 * file written and deleted. A worker that cannot write its conversation store must refuse to start,
 * in one line, instead of failing each router call after the router has billed it.
 */
final class DataDirCheck {
  private DataDirCheck() {}

  /**
   * Creates {@code dir} if needed and writes and deletes a file in it.
   *
   * @param what what the directory holds, for the message
   * @throws ConfigException naming {@code TALLY_DATA_DIR}, the directory and the cause
   */
  static void writable(Path dir, String what) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".tally-write-check-", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw new ConfigException(
          WorkerConfig.TALLY_DATA_DIR
              + ": expected a directory this worker can write, but "
              + what
              + " at '"
              + dir
              + "' cannot be written ("
              + cause(e)
              + ")");
    }
  }

  private static String cause(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "a file that is not a directory is in the way: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
