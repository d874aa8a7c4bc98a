package dev.tally.supervise;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of worker kinds: the one place a kind is added. */
final class WorkerKinds {
  static final List<WorkerKind> ALL = List.of(new ChatKind(), new DriverKind(), new SandboxKind());

  private static final Map<String, WorkerKind> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(WorkerKind::name, Function.identity()));

  private WorkerKinds() {}

  /** The kind named {@code profile}, or null. */
  static WorkerKind named(String profile) {
    return profile == null ? null : BY_NAME.get(profile);
  }

  /** The kinds among {@code profiles}, in registry order. */
  static List<WorkerKind> among(List<String> profiles) {
    return ALL.stream().filter(k -> profiles.contains(k.name())).toList();
  }
}
