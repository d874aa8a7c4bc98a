package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallySecretsTest {
  @Test
  void strip_childEnvironment_dropsRouterAndTangleKeysOnly() {
    Map<String, String> env = new HashMap<>();
    env.put("TALLY_ROUTER_API_KEY", "sk-test-" + System.nanoTime());
    env.put("TANGLE_API_KEY", "tk-test-" + System.nanoTime());
    env.put("ANTHROPIC_API_KEY", "the harness's own");
    env.put("PATH", "/usr/bin");

    TallySecrets.strip(env);

    assertThat(env).containsOnlyKeys("ANTHROPIC_API_KEY", "PATH");
  }
}
