package dev.tally.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a completed sandbox turn into a result, inside the box before it is released: a coder turn
 * is validated, a research answer is checked for substance. Runs in workflow code and may call
 * activities.
 */
@FunctionalInterface
public interface Settler {
  /** Settles {@code completed}, which came from the box {@code lease}. */
  Settlement settle(SandboxLease lease, TurnTick completed);

  /**
   * What settling decided.
   *
   * @param accepted true when {@code output} may be returned as the turn's result
   * @param output the result (accepted only)
   * @param refusal why it was refused (refused only)
   * @param evidence what the decision was based on (checks, files), kept either way
   * @param refusalKind the failure type of a refusal; null means {@code ValidationRefused}
   */
  record Settlement(
      boolean accepted, JsonNode output, String refusal, JsonNode evidence, String refusalKind) {
    public static Settlement accept(JsonNode output, JsonNode evidence) {
      return new Settlement(true, output, null, evidence, null);
    }

    public static Settlement refuse(String refusal, JsonNode evidence) {
      return new Settlement(false, null, refusal, evidence, null);
    }

    /** A refusal of its own failure type, e.g. a research result that does not parse. */
    public static Settlement refuse(String kind, String refusal, JsonNode evidence) {
      return new Settlement(false, null, refusal, evidence, kind);
    }
  }
}
