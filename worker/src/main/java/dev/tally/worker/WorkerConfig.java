package dev.tally.worker;

import dev.tally.TallyWorkflows;
import dev.tally.blob.BlobStoreConfig;
import dev.tally.export.ExportConfig;
import dev.tally.observe.ObserverConfig;
import dev.tally.router.PriceCatalog;
import dev.tally.router.RouterConfig;
import dev.tally.sandbox.SandboxConfig;
import dev.tally.sandbox.SandboxHost;
import dev.tally.telemetry.TelemetryConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a Tally worker needs, read once from the environment at start-up and checked before
 * anything connects. Secrets live only in {@link #router()} and never appear in {@link
 * #toString()}.
 *
 * @param temporalAddress {@code host:port} of the Temporal frontend
 * @param namespace the Temporal namespace runs live in
 * @param taskQueue the task queue this worker polls
 * @param sticky whether workflows stay cached on this worker between tasks; off only for a worker
 *     that must survive its own restart against the embedded test server
 * @param dataDir where the worker keeps local state, the conversation store included
 * @param router how to reach the model router, and its key
 * @param sandbox the local process sandbox of detached delegations (its data directory is {@code
 *     dataDir})
 * @param telemetry OpenTelemetry export ({@code OTEL_*}); off without an endpoint
 * @param export where eval-run events go: Tangle Intelligence with {@code TANGLE_API_KEY}, the
 *     outbox under {@code dataDir} without
 * @param blobs where conversations live ({@code TALLY_BLOB_STORE}: {@code fs} under {@code
 *     dataDir}, or {@code s3} for workers on several hosts)
 * @param host this worker's host id and the host-pinned activities' schedule-to-start timeout
 */
public record WorkerConfig(
    String temporalAddress,
    String namespace,
    String taskQueue,
    boolean sticky,
    Path dataDir,
    RouterConfig router,
    SandboxConfig sandbox,
    TelemetryConfig telemetry,
    ExportConfig export,
    BlobStoreConfig blobs,
    SandboxHost host,
    ObserverConfig observer) {

  public static final String TEMPORAL_ADDRESS = "TEMPORAL_ADDRESS";
  public static final String TEMPORAL_NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String TALLY_TASK_QUEUE = "TALLY_TASK_QUEUE";
  public static final String TALLY_STICKY = "TALLY_STICKY";
  public static final String TALLY_DATA_DIR = "TALLY_DATA_DIR";

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  public WorkerConfig {
    Objects.requireNonNull(temporalAddress, "temporalAddress");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(taskQueue, "taskQueue");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(blobs, "blobs");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(observer, "observer");
  }

  /** A configuration with the observer's defaults (no model, no HTTP port). */
  public WorkerConfig(
      String temporalAddress,
      String namespace,
      String taskQueue,
      boolean sticky,
      Path dataDir,
      RouterConfig router,
      SandboxConfig sandbox,
      TelemetryConfig telemetry,
      ExportConfig export,
      BlobStoreConfig blobs,
      SandboxHost host) {
    this(
        temporalAddress,
        namespace,
        taskQueue,
        sticky,
        dataDir,
        router,
        sandbox,
        telemetry,
        export,
        blobs,
        host,
        ObserverConfig.DEFAULTS);
  }

  /**
   * Reads and validates the configuration from {@code env}.
   *
   * @throws ConfigException with every problem found, on one line
   */
  public static WorkerConfig fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    List<String> problems = new ArrayList<>();

    String address = valueOr(env, TEMPORAL_ADDRESS, DEFAULT_ADDRESS);
    String addressProblem = addressProblem(address);
    if (addressProblem != null) {
      problems.add(TEMPORAL_ADDRESS + ": " + addressProblem);
    }

    String namespace = valueOr(env, TEMPORAL_NAMESPACE, DEFAULT_NAMESPACE);
    if (namespace.chars().anyMatch(Character::isWhitespace)) {
      problems.add(
          TEMPORAL_NAMESPACE
              + ": expected a namespace name without spaces, got '"
              + namespace
              + "'");
    }

    String taskQueue = valueOr(env, TALLY_TASK_QUEUE, TallyWorkflows.DEFAULT_TASK_QUEUE);
    if (taskQueue.chars().anyMatch(Character::isWhitespace)) {
      problems.add(
          TALLY_TASK_QUEUE
              + ": expected a task queue name without spaces, got '"
              + taskQueue
              + "'");
    }

    String stickyText = valueOr(env, TALLY_STICKY, "on").toLowerCase(Locale.ROOT);
    boolean sticky = !"off".equals(stickyText);
    if (!"on".equals(stickyText) && !"off".equals(stickyText)) {
      problems.add(
          TALLY_STICKY
              + ": expected on or off (off for a separate worker on `tally server`), got '"
              + env.get(TALLY_STICKY)
              + "'");
    }

    Path dataDir = defaultDataDir();
    String dataDirText = env.get(TALLY_DATA_DIR);
    if (dataDirText != null && !dataDirText.isBlank()) {
      try {
        dataDir = Path.of(expandHome(dataDirText.trim()));
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
          problems.add(
              TALLY_DATA_DIR + ": expected a directory, got the regular file '" + dataDir + "'");
        }
      } catch (InvalidPathException e) {
        problems.add(TALLY_DATA_DIR + ": expected a directory path, got '" + dataDirText + "'");
      }
    }

    RouterConfig router = null;
    try {
      router = RouterConfig.fromEnv(env);
      Path catalog = router.priceCatalogPath();
      if (catalog != null && !Files.isRegularFile(catalog)) {
        problems.add(
            RouterConfig.PRICE_CATALOG_ENV
                + ": expected a readable JSON price catalog file, got '"
                + catalog
                + "' (no such file)");
      } else if (catalog != null) {
        // Read it now: a catalog that does not parse must stop the worker here, in one line,
        // not when the router activities are built.
        try {
          PriceCatalog.fromFile(catalog);
        } catch (IllegalArgumentException e) {
          problems.add(RouterConfig.PRICE_CATALOG_ENV + ": " + firstLine(e.getMessage()));
        }
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    SandboxConfig sandbox = null;
    try {
      // One data directory for everything: the sandbox reads it already resolved and absolute.
      Map<String, String> sandboxEnv = new HashMap<>(env);
      sandboxEnv.put(SandboxConfig.DATA_DIR, dataDir.toAbsolutePath().toString());
      sandbox = SandboxConfig.fromEnv(sandboxEnv);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    TelemetryConfig telemetry = null;
    try {
      telemetry = TelemetryConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    ExportConfig export = null;
    try {
      export = ExportConfig.fromEnv(env, dataDir.toAbsolutePath());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    BlobStoreConfig blobs = null;
    try {
      blobs = BlobStoreConfig.fromEnv(env, dataDir.toAbsolutePath().resolve("blobs"));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    SandboxHost host = null;
    try {
      host = SandboxHost.fromEnv(env);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    ObserverConfig observer = null;
    try {
      observer = ObserverConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }

    if (!problems.isEmpty()) {
      throw new ConfigException("invalid configuration: " + String.join("; ", problems));
    }
    return new WorkerConfig(
        address,
        namespace,
        taskQueue,
        sticky,
        dataDir.toAbsolutePath(),
        router,
        sandbox,
        telemetry,
        export,
        blobs,
        host,
        observer);
  }

  /** The same configuration with sticky execution forced on or off. */
  public WorkerConfig withSticky(boolean on) {
    return new WorkerConfig(
        temporalAddress,
        namespace,
        taskQueue,
        on,
        dataDir,
        router,
        sandbox,
        telemetry,
        export,
        blobs,
        host,
        observer);
  }

  /** The same configuration with another router. */
  public WorkerConfig withRouter(RouterConfig other) {
    return new WorkerConfig(
        temporalAddress,
        namespace,
        taskQueue,
        sticky,
        dataDir,
        other,
        sandbox,
        telemetry,
        export,
        blobs,
        host,
        observer);
  }

  /** The same configuration on another task queue. */
  public WorkerConfig withTaskQueue(String queue) {
    return new WorkerConfig(
        temporalAddress,
        namespace,
        queue,
        sticky,
        dataDir,
        router,
        sandbox,
        telemetry,
        export,
        blobs,
        host,
        observer);
  }

  /** Where the filesystem store keeps conversations, shared by every worker on this host. */
  public Path blobDir() {
    return dataDir.resolve("blobs");
  }

  /** The task queue only this host's workers poll: its local sandbox sessions run there. */
  public String hostTaskQueue() {
    return host.queue(taskQueue);
  }

  /** {@code ~/.tally}. */
  /**
   * The data directory {@code env} names ({@code TALLY_DATA_DIR}, {@code ~} expanded), else the
   * default.
   */
  public static Path dataDirOf(Map<String, String> env) {
    String text = env.get(TALLY_DATA_DIR);
    return text == null || text.isBlank() ? defaultDataDir() : Path.of(expandHome(text.trim()));
  }

  public static Path defaultDataDir() {
    return Path.of(System.getProperty("user.home"), ".tally");
  }

  @Override
  public String toString() {
    // Every part that holds a secret (router key, OTLP headers, Tangle key) renders it redacted.
    return "WorkerConfig[temporalAddress="
        + temporalAddress
        + ", namespace="
        + namespace
        + ", taskQueue="
        + taskQueue
        + ", sticky="
        + (sticky ? "on" : "off")
        + ", dataDir="
        + dataDir
        + ", router="
        + router
        + ", sandbox="
        + sandbox
        + ", telemetry="
        + telemetry
        + ", export="
        + export
        + ", blobs="
        + blobs
        + ", host="
        + host.hostId()
        + ", observer="
        + observer
        + "]";
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static String expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }

  /** Why {@code address} is not {@code host:port}, or null when it is. */
  public static String addressProblem(String address) {
    int colon = address.lastIndexOf(':');
    String expected = "expected host:port such as " + DEFAULT_ADDRESS + ", got '" + address + "'";
    if (colon <= 0 || colon == address.length() - 1) {
      return expected;
    }
    String host = address.substring(0, colon);
    if (host.chars().anyMatch(Character::isWhitespace) || host.contains("/")) {
      return expected;
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return "expected a port in 1..65535, got " + port + " in '" + address + "'";
      }
    } catch (NumberFormatException e) {
      return expected;
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
