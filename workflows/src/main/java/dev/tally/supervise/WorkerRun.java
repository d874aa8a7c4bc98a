package dev.tally.supervise;

/** A worker of some {@link WorkerKind} while its {@code WorkerTask} runs. */
interface WorkerRun {
  /** Does the work; trouble comes back as an outcome, never as a failure. */
  WorkerOutcome run();

  /** An instruction for its next step; only called for kinds that take steering. */
  void steer(String instruction);

  /** Called after the cancel landed in the inbox, for kinds that must stop something at once. */
  void cancel();

  RunStatus status();
}
