package dev.tally.sandbox;

import dev.tally.config.DurationText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The host this worker's local sandbox sessions live on (SPEC §9). A session's activities after
 * acquire run on {@link #queue(String)}, which only the workers of this host poll; when no worker
 * picks one up within {@code timeout}, the turn fails as {@code SandboxHostLost}.
 *
 * @param hostId {@code TALLY_HOST_ID}, default the hostname; two workers share it only when they
 *     share a data directory and a process namespace
 * @param timeout {@code TALLY_SANDBOX_HOST_TIMEOUT}, default 10 minutes: the schedule-to-start
 *     timeout of every host-pinned activity
 */
public record SandboxHost(String hostId, Duration timeout) {
  public static final String HOST_ID = "TALLY_HOST_ID";
  public static final String HOST_TIMEOUT = "TALLY_SANDBOX_HOST_TIMEOUT";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  public SandboxHost {
    Objects.requireNonNull(hostId, "hostId");
    Objects.requireNonNull(timeout, "timeout");
    if (!SAFE_ID.matcher(hostId).matches()) {
      throw new IllegalArgumentException(
          HOST_ID
              + ": expected 1-100 letters, digits, '.', '_' or '-' (starting with a letter or"
              + " digit), got '"
              + hostId
              + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          HOST_TIMEOUT + ": expected a positive duration, got " + timeout);
    }
  }

  /**
   * Reads the host settings from {@code env}.
   *
   * @throws IllegalArgumentException naming the variable, the expected and the actual value
   */
  public static SandboxHost fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String idText = env.get(HOST_ID);
    String id = idText == null || idText.isBlank() ? hostname(env) : idText.strip();
    String timeoutText = env.get(HOST_TIMEOUT);
    List<String> problems = new ArrayList<>();
    Duration timeout = DEFAULT_TIMEOUT;
    if (timeoutText != null && !timeoutText.isBlank()) {
      try {
        timeout = DurationText.parse(HOST_TIMEOUT, timeoutText);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    SandboxHost host = null;
    try {
      host = new SandboxHost(id, timeout);
    } catch (IllegalArgumentException e) {
      problems.add(0, e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return host;
  }

  /** The task queue of this host: {@code <taskQueue>-host-<hostId>}. */
  public String queue(String taskQueue) {
    return taskQueue + "-host-" + hostId;
  }

  /**
   * The hostname, made safe for a task queue name; {@code HOSTNAME} first, as containers set it.
   */
  static String hostname(Map<String, String> env) {
    String name = env.get("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = "localhost";
      }
    }
    String safe = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
    safe = safe.replaceAll("^[^A-Za-z0-9]+", "");
    if (safe.length() > 100) {
      safe = safe.substring(0, 100);
    }
    return safe.isEmpty() ? "localhost" : safe;
  }
}
