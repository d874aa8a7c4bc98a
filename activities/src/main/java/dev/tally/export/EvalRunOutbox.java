package dev.tally.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eval-run batches waiting for a key: one JSON line per batch, {@code {idempotencyKey, wireVersion,
 * events}}, the very payload the ingest would have received, so nothing is lost and a later {@link
 * #flush} sends exactly that.
 *
 * <p>A batch whose key is already queued is not queued twice (an activity retried after a crash).
 * Workers and the CLI may share the file: every read-modify-write holds a lock file next to it, and
 * the HTTP calls of a flush happen outside the lock so that a worker's append never waits for the
 * network.
 */
public final class EvalRunOutbox {
  private static final Logger log = LoggerFactory.getLogger(EvalRunOutbox.class);

  /** One monitor per file in this process: a JVM may not hold two locks on one file. */
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path rejectedFile;
  private final Path lockFile;

  public EvalRunOutbox(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    String name = this.file.getFileName().toString();
    String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    this.rejectedFile = this.file.resolveSibling(stem + ".rejected.jsonl");
    this.lockFile = this.file.resolveSibling(name + ".lock");
  }

  public Path file() {
    return file;
  }

  /** Where batches the ingest refused are moved by a flush, with the reasons. */
  public Path rejectedFile() {
    return rejectedFile;
  }

  /** Queues {@code batch}; does nothing when a batch with its key is already queued. */
  public void append(EvalRunBatch batch) {
    Objects.requireNonNull(batch, "batch");
    ObjectNode line = Wire.body(batch);
    line.put("idempotencyKey", batch.idempotencyKey());
    String text = Wire.text(line) + "\n";
    locked(
        () -> {
          if (keys(readLines(file)).contains(batch.idempotencyKey())) {
            log.info("eval runs {} already queued in {}", batch.idempotencyKey(), file);
            return null;
          }
          Files.writeString(
              file,
              text,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          log.info(
              "eval runs {} queued in {} ({} event(s); no {} on this worker)",
              batch.idempotencyKey(),
              file,
              batch.events().size(),
              ExportConfig.API_KEY_ENV);
          return null;
        });
  }

  /** The batches waiting, oldest first. */
  public List<EvalRunBatch> pending() {
    List<EvalRunBatch> out = new ArrayList<>();
    for (String line : locked(() -> readLines(file))) {
      out.add(batchOf(line));
    }
    return out;
  }

  /**
   * What one flush did.
   *
   * @param sent batches acknowledged and removed
   * @param rejected batches the ingest refused, moved to {@link #rejectedFile()}
   * @param remaining batches still waiting
   * @param error why the flush stopped early, or null
   */
  public record FlushReport(int sent, int rejected, int remaining, String error) {}

  /** Sends every waiting batch with {@code exporter}; see {@link #flush(Function)}. */
  public FlushReport flush(EvalRunExporter exporter) {
    Objects.requireNonNull(exporter, "exporter");
    return flush(exporter::send);
  }

  /**
   * Sends the waiting batches in order and removes each one acknowledged. A batch the ingest
   * refused moves to {@link #rejectedFile()} with its reasons; any other failure stops the flush
   * and leaves that batch and the rest waiting. Batches queued meanwhile are kept.
   */
  public FlushReport flush(Function<EvalRunBatch, ExportReceipt> send) {
    List<String> lines = locked(() -> readLines(file));
    Set<String> done = new HashSet<>();
    List<String> refused = new ArrayList<>();
    int sent = 0;
    String error = null;
    for (String line : lines) {
      EvalRunBatch batch;
      try {
        batch = batchOf(line);
      } catch (RuntimeException unreadable) {
        // A damaged line would block every flush after it: it moves aside, kept for a human.
        done.add(line);
        refused.add(Wire.text(damaged(line, unreadable.getMessage())));
        continue;
      }
      try {
        send.apply(batch);
        done.add(batch.idempotencyKey());
        sent++;
      } catch (ApplicationFailure f) {
        if (ExportFailures.REJECTED.equals(f.getType())) {
          done.add(batch.idempotencyKey());
          ObjectNode kept = (ObjectNode) Wire.objectOrNull(line);
          kept.put("rejectedBecause", f.getOriginalMessage());
          refused.add(Wire.text(kept));
          continue;
        }
        error = f.getType() + ": " + f.getOriginalMessage();
        break;
      }
    }
    int[] remaining = new int[1];
    locked(
        () -> {
          List<String> keep = new ArrayList<>();
          for (String line : readLines(file)) {
            if (!done.contains(keyOf(line)) && !done.contains(line)) {
              keep.add(line);
            }
          }
          if (!refused.isEmpty()) {
            Files.writeString(
                rejectedFile,
                String.join("\n", refused) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          }
          Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
          Files.writeString(
              tmp, keep.isEmpty() ? "" : String.join("\n", keep) + "\n", StandardCharsets.UTF_8);
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          remaining[0] = keep.size();
          return null;
        });
    log.info(
        "eval outbox flushed: {} sent, {} rejected, {} waiting{}",
        sent,
        refused.size(),
        remaining[0],
        error == null ? "" : "; stopped: " + error);
    return new FlushReport(sent, refused.size(), remaining[0], error);
  }

  private static ObjectNode damaged(String line, String why) {
    ObjectNode node = Wire.MAPPER.createObjectNode();
    node.put("unreadableLine", line);
    node.put("rejectedBecause", why);
    return node;
  }

  private static EvalRunBatch batchOf(String line) {
    JsonNode node = Wire.objectOrNull(line);
    if (node == null || !node.hasNonNull("idempotencyKey") || !node.path("events").isArray()) {
      throw new IllegalStateException(
          "eval outbox: expected a JSON object with idempotencyKey and events per line, got: "
              + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
    }
    List<EvalRunEvent> events = new ArrayList<>();
    for (JsonNode e : node.get("events")) {
      events.add(Wire.MAPPER.convertValue(e, EvalRunEvent.class));
    }
    return new EvalRunBatch(node.get("idempotencyKey").asText(), events);
  }

  private static String keyOf(String line) {
    JsonNode node = Wire.objectOrNull(line);
    return node == null ? null : node.path("idempotencyKey").asText(null);
  }

  private static Set<String> keys(List<String> lines) {
    Set<String> out = new HashSet<>();
    lines.forEach(l -> out.add(keyOf(l)));
    return out;
  }

  private static List<String> readLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(line);
      }
    }
    return out;
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T locked(IoAction<T> action) {
    Object monitor = MONITORS.computeIfAbsent(file, p -> new Object());
    synchronized (monitor) {
      try {
        Files.createDirectories(file.getParent());
        try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock lock = channel.lock();
          try {
            return action.run();
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("eval outbox " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
