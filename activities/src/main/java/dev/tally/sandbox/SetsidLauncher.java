package dev.tally.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Runs the harness on this host in its own session and process group ({@code setsid}) under a small
 * wrapper script that records its pid and, when it ends, its exit code into the control directory;
 * its output goes to files, never to pipes held by the worker, so the worker can die without taking
 * the turn with it.
 */
final class SetsidLauncher implements TurnLauncher {
  private static final String WRAPPER =
      """
      #!/bin/sh
      # Written by Tally's local sandbox: one detached harness turn. It records its pid first and
      # its exit code last, so a worker that did not start it can still find it or its result.
      ctl="$TALLY_CONTROL_DIR"
      echo $$ > "$ctl/pid.tmp" && mv -f "$ctl/pid.tmp" "$ctl/pid"
      /bin/sh -c "$TALLY_HARNESS_COMMAND" < "$TALLY_PROMPT_FILE" > "$ctl/stdout" 2> "$ctl/stderr"
      code=$?
      echo "$code" > "$ctl/exit.tmp" && mv -f "$ctl/exit.tmp" "$ctl/exit"
      """;

  private final String harness;

  /** A launcher of {@code harness}, or of nothing when it is null (then every dispatch refuses). */
  SetsidLauncher(String harness) {
    this.harness = harness;
  }

  @Override
  public void requireReady() {
    if (harness == null) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_NOT_CONFIGURED,
          "no sandbox harness configured: set "
              + SandboxConfig.LOCAL_HARNESS
              + " to the agent command a turn runs (for example 'claude -p'), got nothing");
    }
  }

  @Override
  public long start(SessionFiles s, Path cwd, Path promptFile) throws IOException {
    requireReady();
    s.write("run.sh", WRAPPER);
    ProcessBuilder pb =
        new ProcessBuilder("setsid", "/bin/sh", s.file("run.sh").toString())
            .directory(cwd.toFile())
            .redirectInput(promptFile.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(s.file("wrapper.log").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(s.file("wrapper.log").toFile()));
    Map<String, String> env = pb.environment();
    TallySecrets.strip(env);
    env.put("TALLY_CONTROL_DIR", s.control().toString());
    env.put("TALLY_HARNESS_COMMAND", harness);
    env.put("TALLY_PROMPT_FILE", promptFile.toString());
    env.put("TALLY_USAGE_FILE", s.file("usage.json").toString());
    env.put("TALLY_SESSION_ID", s.id());
    return pb.start().pid();
  }

  @Override
  public boolean alive(long pid, Instant since) {
    return ProcessGroups.alive(pid, since);
  }

  @Override
  public boolean kill(long pid) {
    return ProcessGroups.kill(pid);
  }
}
