package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxConfigTest {
  @Test
  void fromEnv_nothingSet_usesDefaultsUnderHome() {
    SandboxConfig c = SandboxConfig.fromEnv(Map.of("HOME", "/home/u"));

    assertThat(c.dataDir()).isEqualTo(Path.of("/home/u/.tally"));
    assertThat(c.harness()).isNull();
    assertThat(c.hasHarness()).isFalse();
    assertThat(c.tickIntervalMs()).isEqualTo(5_000);
    assertThat(c.maxSessionMs()).isEqualTo(3_600_000);
    assertThat(c.checkTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void fromEnv_everythingSet_readsEachVariable() {
    SandboxConfig c =
        SandboxConfig.fromEnv(
            Map.of(
                "TALLY_DATA_DIR", "/var/tally",
                "TALLY_LOCAL_HARNESS", " claude -p ",
                "TALLY_TICK_INTERVAL_MS", "250",
                "TALLY_SANDBOX_MAX_MS", "90000",
                "TALLY_CHECK_TIMEOUT_MS", "1000"));

    assertThat(c.dataDir()).isEqualTo(Path.of("/var/tally"));
    assertThat(c.harness()).isEqualTo("claude -p");
    assertThat(c.tickIntervalMs()).isEqualTo(250);
    assertThat(c.maxSessionMs()).isEqualTo(90_000);
    assertThat(c.checkTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void fromEnv_badValues_nameTheVariable() {
    assertThatThrownBy(() -> SandboxConfig.fromEnv(Map.of("TALLY_TICK_INTERVAL_MS", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TALLY_TICK_INTERVAL_MS: expected an integer number of milliseconds, got 'soon'");
    assertThatThrownBy(() -> SandboxConfig.fromEnv(Map.of("TALLY_SANDBOX_MAX_MS", "0")))
        .hasMessage("TALLY_SANDBOX_MAX_MS: expected an integer >= 1, got 0");
    assertThatThrownBy(() -> SandboxConfig.fromEnv(Map.of("TALLY_DATA_DIR", "relative/dir")))
        .hasMessage("TALLY_DATA_DIR: expected an absolute path, got 'relative/dir'");
  }
}
