package dev.tally.router;

/**
 * A chat-completion provider: one request out, one completion back. Implementations do not retry
 * and do not price; they classify failures as Temporal {@code ApplicationFailure}s so that only
 * Temporal decides whether to try again.
 */
public interface ChatBackend {
  /** Sends {@code call} and returns the model's reply. */
  ChatCompletion complete(ChatCall call);
}
