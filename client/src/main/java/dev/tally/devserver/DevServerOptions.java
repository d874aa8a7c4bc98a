package dev.tally.devserver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to start Temporal's dev server.
 *
 * @param cli the {@code temporal} binary
 * @param database the SQLite file that keeps every workflow across restarts
 * @param grpcPort the frontend's port on 127.0.0.1, 0 for a free one
 * @param uiPort the Web UI's port on 127.0.0.1, 0 for a free one, -1 for no UI
 * @param namespaces namespaces to create (besides {@code default}) and to register Tally's search
 *     attributes and retention in
 * @param retention how long the server keeps closed workflows, and so their ledgers
 * @param log where the server's own output goes
 */
public record DevServerOptions(
    Path cli,
    Path database,
    int grpcPort,
    int uiPort,
    List<String> namespaces,
    Duration retention,
    Path log) {
  /** What {@code tally dev} keeps closed runs for unless told otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public DevServerOptions {
    Objects.requireNonNull(cli, "cli");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(retention, "retention");
    namespaces = List.copyOf(namespaces);
    if (grpcPort < 0 || grpcPort > 65535) {
      throw new IllegalArgumentException("grpcPort: expected 0..65535, got " + grpcPort);
    }
    if (uiPort < -1 || uiPort > 65535) {
      throw new IllegalArgumentException("uiPort: expected -1..65535, got " + uiPort);
    }
    // Temporal refuses a retention under a day for a namespace.
    if (retention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("retention: expected at least 1 day, got " + retention);
    }
  }

  /** Free ports, the UI on, {@link #DEFAULT_RETENTION}, namespace {@code default} only. */
  public static DevServerOptions of(Path cli, Path database, Path log) {
    return new DevServerOptions(cli, database, 0, 0, List.of("default"), DEFAULT_RETENTION, log);
  }

  public DevServerOptions withPorts(int grpc, int ui) {
    return new DevServerOptions(cli, database, grpc, ui, namespaces, retention, log);
  }

  public DevServerOptions withNamespaces(List<String> names) {
    return new DevServerOptions(cli, database, grpcPort, uiPort, names, retention, log);
  }

  public DevServerOptions withRetention(Duration keep) {
    return new DevServerOptions(cli, database, grpcPort, uiPort, namespaces, keep, log);
  }
}
