package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.sandbox.harness.Harnesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local sandbox running a named harness: its command, its model, its decoder. */
class NamedHarnessTest {
  @TempDir Path tmp;

  private LocalProcessSandbox sandbox(String harnessesJson) {
    return new LocalProcessSandbox(
        new SandboxConfig(
            tmp.resolve("data"),
            "echo default",
            100,
            60_000,
            Duration.ofMinutes(1),
            Harnesses.parse(harnessesJson, "echo default")));
  }

  @Test
  void namedHarness_runsItsCommandWithTheModel_andItsDecoderReadsTheUsage() throws Exception {
    Path repo = Fixtures.gitRepo(tmp);
    String stream =
        "printf '%s\\\\n' '{\\\"type\\\":\\\"result\\\",\\\"result\\\":\\\"done with '\\\"$TALLY_MODEL\\\"'\\\","
            + "\\\"total_cost_usd\\\":0.25,\\\"usage\\\":{\\\"input_tokens\\\":7,\\\"output_tokens\\\":3}}'";
    LocalProcessSandbox box =
        sandbox("{\"fake-claude\": {\"command\": \"" + stream + "\", \"usage\": \"claude-code\"}}");

    box.acquire(
        new AcquireSandboxRequest("s-named", "coder", repo.toString(), "fake-claude", "opus-x"),
        () -> {});
    TurnTick tick =
        Fixtures.driveUntilDone(box, new DriveTurnRequest("local-s-named", "s-named", "go", null));

    assertThat(tick.state()).as(String.valueOf(tick)).isEqualTo(TurnTick.COMPLETED);
    assertThat(tick.text()).isEqualTo("done with opus-x");
    assertThat(tick.usage())
        .isEqualTo(new TurnUsage(7, 3, new java.math.BigDecimal("0.25"), "opus-x"));
    assertThat(tick.result().get("harness").asText()).isEqualTo("fake-claude");
    assertThat(tick.result().get("usageDecoder").asText()).isEqualTo("claude-code");
  }

  @Test
  void unknownHarness_isRefusedForGood_namingTheOnesTheWorkerHas() throws IOException {
    LocalProcessSandbox box = sandbox("{\"codex\": \"codex exec --json\"}");

    assertThatThrownBy(
            () ->
                box.acquire(
                    new AcquireSandboxRequest("s-unknown", "researcher", null, "gemini", null),
                    () -> {}))
        .isInstanceOf(SandboxException.class)
        .hasMessage(
            "harness: expected one of [codex, default] (TALLY_HARNESSES or TALLY_LOCAL_HARNESS on"
                + " this worker), got 'gemini'")
        .satisfies(
            e ->
                assertThat(((SandboxException) e).type())
                    .isEqualTo(SandboxFailures.SANDBOX_NOT_CONFIGURED));
    assertThat(Files.exists(tmp.resolve("data/sandboxes/s-unknown/control/lease.json"))).isFalse();
  }
}
