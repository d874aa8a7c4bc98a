package dev.tally.supervise;

import java.util.List;

/** The worker profiles a driver can spawn. */
public final class WorkerProfiles {
  /** A leaf answering with router calls. */
  public static final String CHAT = "chat";

  /** A nested supervised run paid from its own reservation. */
  public static final String DRIVER = "driver";

  /** A detached sandbox turn (a coder or researcher turn), validated before it is delivered. */
  public static final String SANDBOX = "sandbox";

  /** Every kind in the registry ({@link WorkerKinds}), in its order. */
  public static final List<String> KNOWN = WorkerKinds.ALL.stream().map(WorkerKind::name).toList();

  /** Sandbox workers need a sandbox on the worker, so a run opts into them. */
  public static final List<String> DEFAULT_ALLOWED = List.of(CHAT, DRIVER);

  private WorkerProfiles() {}
}
