package dev.tally.supervise;

import java.util.List;

/** The instructions given to drivers and chat workers. */
final class Prompts {
  static final String CHAT_WORKER =
      "You are a worker. Answer the task directly and completely in plain text.";

  private Prompts() {}

  /**
   * A driver's system prompt, naming every kind of worker it may spawn with what it does and the
   * shape of its task, generated from the kinds so none is left out.
   */
  static String driver(List<String> allowedProfiles) {
    StringBuilder b =
        new StringBuilder(
            "You coordinate workers inside one conserved budget. Use spawn_worker to start"
                + " workers, await_event to collect their results, observe_worker, steer_worker"
                + " and cancel_worker to manage them, and stop when you have a good result. Every"
                + " spawn reserves its whole budget up front; refusals list what is short. The"
                + " best valid worker output wins; your own prose never does. Worker kinds"
                + " (spawn_worker's profile):");
    for (WorkerKind k : WorkerKinds.among(allowedProfiles)) {
      b.append("\n- ")
          .append(k.name())
          .append(": ")
          .append(k.description())
          .append(". Task: ")
          .append(k.taskShape())
          .append('.');
    }
    return b.toString();
  }
}
