package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One validation command that ran in a session.
 *
 * @param name {@code test} or {@code typecheck}
 * @param command the shell command
 * @param exitCode its exit code (124 when it ran out of time)
 * @param output its combined output, the tail kept when long
 * @param truncated whether {@code output} was cut
 * @param timedOut whether the command was killed for running too long
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckRun(
    String name, String command, int exitCode, String output, boolean truncated, boolean timedOut) {
  public boolean passed() {
    return exitCode == 0 && !timedOut;
  }
}
