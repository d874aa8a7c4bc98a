package dev.tally.sandbox;

import java.util.List;
import java.util.Map;

/**
 * Tally's own secrets, kept out of every process a sandbox starts. A harness brings its own
 * credentials (an agent CLI reads its provider's variables); the router and Tangle keys are the
 * worker's alone.
 */
final class TallySecrets {
  static final List<String> VARIABLES = List.of("TALLY_ROUTER_API_KEY", "TANGLE_API_KEY");

  private TallySecrets() {}

  /** Removes Tally's secrets from a child process environment. */
  static void strip(Map<String, String> env) {
    VARIABLES.forEach(env::remove);
  }
}
