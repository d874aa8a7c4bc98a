package dev.tally.router;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.blob.BlobStore;
import dev.tally.blob.BlobStoreException;
import dev.tally.json.Json;
import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Conversations kept by reference, as a chain of segments: each turn stores only the messages it
 * added and the reference of the segment before, so a run's stored bytes grow with its messages
 * rather than with the square of its turns. Only the newest segment's content address travels
 * through workflow history.
 *
 * <p>Loading walks the chain from the newest segment back to the first. A bounded cache of recent
 * segments makes the walk free on the worker that ran the previous turn; a worker that has never
 * seen the conversation reads each segment once.
 *
 * <p>Blobs written before segments existed hold a whole conversation as a JSON array; they still
 * load, as the first link of any chain that continues them.
 */
public final class ConversationStore {
  /** Default cache bound: enough for a few hundred long conversations per worker. */
  public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

  private static final TypeReference<List<ChatMessage>> MESSAGES = new TypeReference<>() {};

  private final BlobStore blobs;
  private final SegmentCache cache;

  public ConversationStore(BlobStore blobs) {
    this(blobs, DEFAULT_CACHE_BYTES);
  }

  /** A store whose cache holds at most {@code cacheBytes} of stored segments (0: no cache). */
  public ConversationStore(BlobStore blobs, long cacheBytes) {
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.cache = new SegmentCache(cacheBytes);
  }

  /**
   * Stores the messages a turn added after {@code prevRef} and returns the new segment's address.
   *
   * @param owner the workflow id the conversation belongs to (what {@code tally gc} checks)
   * @param prevRef the conversation so far, or null when {@code added} starts it
   */
  public String append(String owner, String prevRef, List<ChatMessage> added) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(added, "added");
    ConversationSegment segment = new ConversationSegment(owner, prevRef, added);
    byte[] bytes = Json.canonical(segment).getBytes(StandardCharsets.UTF_8);
    String ref;
    try {
      ref = blobs.put(bytes);
    } catch (BlobStoreException e) {
      throw typed(e);
    }
    cache.put(ref, entry(segment, bytes.length));
    return ref;
  }

  /**
   * A loaded conversation and its {@link InputEstimate#messageBytes} bytes, kept per segment so
   * that admitting a call to a long conversation does not measure every message again each turn.
   */
  public record Loaded(List<ChatMessage> messages, long estimateBytes) {}

  /**
   * The conversation stored under {@code ref}; an empty one for a null ref (a new conversation).
   *
   * @throws ApplicationFailure non-retryable, of type {@link Failures#CONVERSATION_MISSING}, when a
   *     segment of the chain is not stored: retrying cannot make it appear; of a {@code BlobStore*}
   *     type when the store refuses or cannot be reached (only the last retryable)
   */
  public List<ChatMessage> load(String ref) {
    return loadMeasured(ref).messages();
  }

  /** {@link #load}, with the conversation's estimate bytes; the same failures. */
  public Loaded loadMeasured(String ref) {
    List<List<ChatMessage>> newestFirst = new ArrayList<>();
    long estimateBytes = 0;
    String at = ref;
    while (at != null) {
      SegmentCache.Entry entry = segment(ref, at);
      newestFirst.add(entry.segment().messages());
      estimateBytes += entry.estimateBytes();
      at = entry.segment().prev();
    }
    Collections.reverse(newestFirst);
    List<ChatMessage> all = new ArrayList<>();
    newestFirst.forEach(all::addAll);
    return new Loaded(all, estimateBytes);
  }

  private static SegmentCache.Entry entry(ConversationSegment segment, long size) {
    return new SegmentCache.Entry(segment, size, InputEstimate.messageBytes(segment.messages()));
  }

  /** The segment under {@code at}, from the cache or the store; {@code head} names the chain. */
  private SegmentCache.Entry segment(String head, String at) {
    SegmentCache.Entry cached = cache.get(at);
    if (cached != null) {
      return cached;
    }
    Optional<byte[]> bytes;
    try {
      bytes = blobs.get(at);
    } catch (IllegalArgumentException e) {
      throw missing(head, at, e.getMessage());
    } catch (BlobStoreException e) {
      throw typed(e);
    }
    if (bytes.isEmpty()) {
      throw missing(
          head,
          at,
          "no blob stored under it; every worker of a run must share one blob store"
              + " (TALLY_BLOB_STORE=s3 for workers on several hosts)");
    }
    SegmentCache.Entry entry = entry(parse(at, bytes.get()), bytes.get().length);
    cache.put(at, entry);
    return entry;
  }

  /**
   * The workflow a stored blob's conversation belongs to: the owner of a segment; empty for a
   * whole-conversation blob from before segments (its owner was never recorded) and for anything
   * that is not a conversation at all.
   */
  public static Optional<String> ownerOf(byte[] bytes) {
    try {
      JsonNode node = Json.CANONICAL.readTree(bytes);
      JsonNode owner = node == null ? null : node.get("owner");
      return owner != null && owner.isTextual() && !owner.asText().isEmpty() && node.has("messages")
          ? Optional.of(owner.asText())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static ConversationSegment parse(String ref, byte[] bytes) {
    try {
      JsonNode node = Json.CANONICAL.readTree(bytes);
      if (node.isArray()) {
        // A whole conversation from before segments: the first link, owner unknown.
        return new ConversationSegment(
            "", null, restoreEmpty(Json.CANONICAL.convertValue(node, MESSAGES)));
      }
      if (node.isObject() && node.has("messages") && node.has("owner")) {
        ConversationSegment s = Json.CANONICAL.treeToValue(node, ConversationSegment.class);
        return new ConversationSegment(s.owner(), s.prev(), restoreEmpty(s.messages()));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(ref, e.getMessage());
    }
    throw malformed(ref, "expected a segment {owner, prev, messages} or a message list");
  }

  /** ChatMessage drops empty content on the wire, so "" comes back absent: read it as "" again. */
  private static List<ChatMessage> restoreEmpty(List<ChatMessage> stored) {
    return stored.stream()
        .map(
            m ->
                m.content() != null
                    ? m
                    : new ChatMessage(m.role(), "", m.toolCalls(), m.toolCallId(), m.name()))
        .toList();
  }

  private static ApplicationFailure missing(String head, String at, String why) {
    String which = at.equals(head) ? "" : " (its earlier segment " + at + ")";
    return ApplicationFailure.newBuilder()
        .setType(Failures.CONVERSATION_MISSING)
        .setMessage("conversation " + head + " cannot be loaded" + which + ": " + why)
        .setNonRetryable(true)
        .build();
  }

  private static ApplicationFailure malformed(String ref, String why) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.CONVERSATION_MISSING)
        .setMessage("conversation segment " + ref + " is not a stored conversation: " + why)
        .setNonRetryable(true)
        .build();
  }

  /** A blob store failure as the typed activity failure Temporal retries, or not. */
  static ApplicationFailure typed(BlobStoreException e) {
    String type =
        switch (e.kind()) {
          case ACCESS_DENIED -> Failures.BLOB_STORE_ACCESS_DENIED;
          case BUCKET_MISSING -> Failures.BLOB_STORE_BUCKET_MISSING;
          case REJECTED -> Failures.BLOB_STORE_REJECTED;
          case UNAVAILABLE -> Failures.BLOB_STORE_UNAVAILABLE;
        };
    return ApplicationFailure.newBuilder()
        .setType(type)
        .setMessage(e.getMessage())
        .setNonRetryable(!e.kind().retryable())
        .build();
  }
}
