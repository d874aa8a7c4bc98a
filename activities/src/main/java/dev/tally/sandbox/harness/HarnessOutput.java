package dev.tally.sandbox.harness;

import dev.tally.sandbox.TurnUsage;

/**
 * What a finished harness turn said, decoded from its output.
 *
 * @param text the turn's answer (for a JSON-speaking harness, the answer inside its JSON)
 * @param usage the usage receipt, or null when the output reported none (the turn's cost is then
 *     unknown, a floor, never $0)
 */
public record HarnessOutput(String text, TurnUsage usage) {}
