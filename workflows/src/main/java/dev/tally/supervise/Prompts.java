package dev.tally.supervise;

/** The fixed instructions given to drivers and chat workers. */
final class Prompts {
  static final String DRIVER =
      "You coordinate workers inside one conserved budget. Use spawn_worker to start workers"
          + " (profile \"chat\" answers with a model call, profile \"driver\" coordinates its own"
          + " workers), await_event to collect their results, observe_worker, steer_worker and"
          + " cancel_worker to manage them, and stop when you have a good result. Every spawn"
          + " reserves its whole budget up front; refusals list what is short. The best valid"
          + " worker output wins; your own prose never does.";

  static final String CHAT_WORKER =
      "You are a worker. Answer the task directly and completely in plain text.";

  private Prompts() {}
}
