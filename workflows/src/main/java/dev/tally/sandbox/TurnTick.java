package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Output of {@code DriveTurn}: {@code running {elapsedMs}}, {@code completed {text, result,
 * usage?}} or {@code failed {error}}.
 *
 * @param state {@code running}, {@code completed} or {@code failed}
 * @param elapsedMs how long the turn has run (running only; null when the provider cannot tell)
 * @param text the turn's answer (completed only)
 * @param result what else the provider knows about the finished turn (completed only)
 * @param usage the turn's usage receipt, when the harness reported one
 * @param error why the turn failed (failed only)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnTick(
    String state, Long elapsedMs, String text, JsonNode result, TurnUsage usage, String error) {
  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  public static TurnTick running(Long elapsedMs) {
    return new TurnTick(RUNNING, elapsedMs, null, null, null, null);
  }

  public static TurnTick completed(String text, JsonNode result, TurnUsage usage) {
    return new TurnTick(COMPLETED, null, text, result, usage, null);
  }

  public static TurnTick failed(String error, TurnUsage usage) {
    return new TurnTick(FAILED, null, null, null, usage, error);
  }

  @JsonIgnore
  public boolean isRunning() {
    return RUNNING.equals(state);
  }

  @JsonIgnore
  public boolean isCompleted() {
    return COMPLETED.equals(state);
  }
}
