package dev.tally.embedded;

/**
 * A Temporal server that a {@link DevStack} runs beside its worker: the SDK's in-memory test server
 * or Temporal's own dev server.
 */
public interface TemporalServer extends AutoCloseable {
  /** {@code 127.0.0.1:<port>}: what clients and workers pass as their target. */
  String address();

  int port();

  /** Whether runs survive a restart of the server. */
  boolean persistent();

  /** The Web UI's base URL, or null when the server has none. */
  String uiUrl();

  /** Makes Tally's search attributes known in {@code namespace}. */
  void ensureSearchAttributes(String namespace);

  @Override
  void close();
}
