package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tally raise}: its usage errors and how it answers for runs that cannot be raised. */
class RaiseCommandTest {
  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static String closedRun;

  @BeforeAll
  static void oneClosedRun() {
    Cli.Result r = Cli.run(STACK.env(), "run", "--task", "Raise me", "--wait", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    closedRun = Json.parse(r.out()).path("workflowId").asText();
  }

  @Test
  void raise_noCeilingGiven_usageErrorNamingTheFlags() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("expected at least one of --max-usd, --max-tokens, --max-iterations")
        .contains("got none");
  }

  @Test
  void raise_notANumber_usageErrorNamingTheFlag() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any", "--max-usd", "lots");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--max-usd").contains("lots");
  }

  @Test
  void raise_negative_usageErrorWithExpectedAndGot() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-any", "--max-tokens", "-5");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--max-tokens: expected a number >= 0, got -5");
  }

  @Test
  void raise_unknownRun_exit3() {
    Cli.Result r = Cli.run(STACK.env(), "raise", "run-nosuchrun", "--max-tokens", "5000");

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(r.err()).contains("no run 'run-nosuchrun'");
  }

  @Test
  void raise_closedRun_exit1SayingItEnded() {
    Cli.Result r =
        Cli.run(STACK.env(), "raise", closedRun, "--max-tokens", "999999", "--max-usd", "9");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("run '" + closedRun + "' already ended (COMPLETED)");
  }
}
