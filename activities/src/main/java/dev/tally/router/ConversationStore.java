package dev.tally.router;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tally.blob.BlobStore;
import dev.tally.json.Json;
import dev.tally.supervise.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Conversations kept by reference: each version is stored once as canonical JSON in a blob store,
 * and only its content address travels through workflow history.
 */
public final class ConversationStore {
  private static final TypeReference<List<ChatMessage>> MESSAGES = new TypeReference<>() {};

  private final BlobStore blobs;

  public ConversationStore(BlobStore blobs) {
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  /** Stores {@code messages} and returns their content address. */
  public String store(List<ChatMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    return blobs.put(Json.canonical(messages).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The conversation stored under {@code ref}; an empty one for a null ref (a new conversation).
   *
   * @throws ApplicationFailure non-retryable, of type {@link Failures#CONVERSATION_MISSING}, when
   *     nothing is stored under {@code ref}: retrying cannot make it appear
   */
  public List<ChatMessage> load(String ref) {
    if (ref == null) {
      return List.of();
    }
    Optional<byte[]> bytes;
    try {
      bytes = blobs.get(ref);
    } catch (IllegalArgumentException e) {
      throw missing(ref, e.getMessage());
    }
    if (bytes.isEmpty()) {
      throw missing(
          ref,
          "no blob stored under it; every worker of a run must share one blob store"
              + " (the same blob directory on one host)");
    }
    try {
      List<ChatMessage> stored = Json.CANONICAL.readValue(bytes.get(), MESSAGES);
      // ChatMessage drops empty content on the wire, so "" comes back absent: read it as "" again.
      return stored.stream()
          .map(
              m ->
                  m.content() != null
                      ? m
                      : new ChatMessage(m.role(), "", m.toolCalls(), m.toolCallId(), m.name()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "conversation " + ref + ": stored blob is not a message list", e);
    }
  }

  private static ApplicationFailure missing(String ref, String why) {
    return ApplicationFailure.newBuilder()
        .setType(Failures.CONVERSATION_MISSING)
        .setMessage("conversation " + ref + " cannot be loaded: " + why)
        .setNonRetryable(true)
        .build();
  }
}
