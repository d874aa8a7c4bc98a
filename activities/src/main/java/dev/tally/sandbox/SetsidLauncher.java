package dev.tally.sandbox;

import dev.tally.sandbox.harness.HarnessEntry;
import dev.tally.sandbox.harness.HarnessOutput;
import dev.tally.sandbox.harness.HarnessTurns;
import dev.tally.sandbox.harness.Harnesses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

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

  private final SandboxConfig config;

  /** A launcher of {@code config}'s harnesses (every dispatch refuses when there is none). */
  SetsidLauncher(SandboxConfig config) {
    this.config = config;
  }

  @Override
  public void requireReady() {
    if (!config.hasHarness()) {
      throw new SandboxException(
          SandboxFailures.SANDBOX_NOT_CONFIGURED,
          "no sandbox harness configured: set "
              + SandboxConfig.LOCAL_HARNESS
              + " to the agent command a turn runs (for example 'claude -p'), got nothing");
    }
  }

  /** The harness named {@code name} (null: the default), or a permanent refusal naming them all. */
  HarnessEntry harnessFor(String name) {
    return config
        .harnesses()
        .find(name)
        .orElseThrow(
            () ->
                new SandboxException(
                    SandboxFailures.SANDBOX_NOT_CONFIGURED,
                    "harness: expected one of "
                        + config.harnesses().names()
                        + " ("
                        + Harnesses.ENV
                        + " or "
                        + SandboxConfig.LOCAL_HARNESS
                        + " on this worker), got '"
                        + (name == null ? "the default" : name)
                        + "'"));
  }

  @Override
  public long start(SessionFiles s, Path cwd, Path promptFile) throws IOException {
    requireReady();
    Optional<SessionFiles.LeaseRecord> lease = s.lease();
    HarnessEntry harness = harnessFor(lease.map(SessionFiles.LeaseRecord::harness).orElse(null));
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
    env.put("TALLY_HARNESS_COMMAND", harness.command());
    lease.map(SessionFiles.LeaseRecord::model).ifPresent(m -> env.put("TALLY_MODEL", m));
    env.put("TALLY_PROMPT_FILE", promptFile.toString());
    env.put("TALLY_USAGE_FILE", s.file("usage.json").toString());
    env.put("TALLY_SESSION_ID", s.id());
    return pb.start().pid();
  }

  /** The turn's text and usage, read by the decoder of the harness the session ran. */
  @Override
  public HarnessOutput output(SessionFiles s) {
    Optional<SessionFiles.LeaseRecord> lease = s.lease();
    HarnessEntry harness = harnessFor(lease.map(SessionFiles.LeaseRecord::harness).orElse(null));
    HarnessOutput decoded =
        HarnessTurns.decode(
            s.control(), harness, lease.map(SessionFiles.LeaseRecord::model).orElse(null));
    return new HarnessOutput(HarnessTurns.tail(decoded.text()), decoded.usage());
  }

  /** Which harness ran and which decoder read its usage, for the turn's result. */
  @Override
  public Map<String, String> describe(SessionFiles s) {
    HarnessEntry harness =
        harnessFor(s.lease().map(SessionFiles.LeaseRecord::harness).orElse(null));
    return Map.of("harness", harness.name(), "usageDecoder", harness.decoder().name());
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
