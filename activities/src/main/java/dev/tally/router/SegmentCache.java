package dev.tally.router;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently used conversation segments, bounded by their stored size, least recently used first out.
 * Segments are immutable and content-addressed, so a cached one can never be stale; the cache only
 * saves the reads of a chain the worker walked a turn ago.
 *
 * <p>Keyed by segment rather than by whole conversation, so consecutive versions of one
 * conversation share their cached prefix instead of each holding a copy of it.
 */
final class SegmentCache {
  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  /** A segment, its stored size, and its messages' {@link InputEstimate#messageBytes} bytes. */
  record Entry(ConversationSegment segment, long size, long estimateBytes) {}

  SegmentCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("segment cache: expected a size >= 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  synchronized Entry get(String ref) {
    return entries.get(ref);
  }

  synchronized void put(String ref, Entry entry) {
    long size = entry.size();
    if (size > maxBytes) {
      return;
    }
    Entry old = entries.put(ref, entry);
    bytes += size - (old == null ? 0 : old.size());
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      bytes -= eldest.getValue().size();
      it.remove();
    }
  }

  /** Stored bytes of the segments held now. */
  synchronized long bytes() {
    return bytes;
  }
}
