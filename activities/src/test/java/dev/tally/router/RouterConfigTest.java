package dev.tally.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterConfigTest {
  private final String key = "sk-test-" + UUID.randomUUID();

  @Test
  void fromEnv_allSet_readsEveryVariable() {
    RouterConfig c =
        RouterConfig.fromEnv(
            Map.of(
                "TALLY_ROUTER_BASE_URL", "https://openrouter.ai/api/v1/",
                "TALLY_ROUTER_API_KEY", key,
                "TALLY_DRIVER_MODEL", "openai/gpt-4o",
                "TALLY_WORKER_MODEL", "openai/gpt-4o-mini",
                "TALLY_PRICE_CATALOG", "/etc/tally/prices.json",
                "TALLY_ROUTER_TIMEOUT_MS", "45000"));

    assertThat(c.baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
    assertThat(c.apiKey()).isEqualTo(key);
    assertThat(c.defaultModel("driver")).isEqualTo("openai/gpt-4o");
    assertThat(c.defaultModel("worker")).isEqualTo("openai/gpt-4o-mini");
    assertThat(c.priceCatalogPath()).isEqualTo(Path.of("/etc/tally/prices.json"));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(45000));
    assertThat(c.configured()).isTrue();
  }

  @Test
  void fromEnv_nothingSet_isUnconfiguredWithDefaults() {
    RouterConfig c = RouterConfig.fromEnv(Map.of());

    assertThat(c.configured()).isFalse();
    assertThat(c.apiKey()).isNull();
    assertThat(c.priceCatalogPath()).isNull();
    assertThat(c.requestTimeout()).isEqualTo(RouterConfig.DEFAULT_TIMEOUT);
  }

  @Test
  void toString_withKey_neverShowsIt() {
    RouterConfig c =
        RouterConfig.fromEnv(
            Map.of("TALLY_ROUTER_BASE_URL", "http://127.0.0.1:9/v1", "TALLY_ROUTER_API_KEY", key));

    assertThat(c.toString()).doesNotContain(key).contains("redacted").contains("127.0.0.1:9/v1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.openai.com",
        "https://api.openai.com/v1/chat/completions",
        "ftp://example.com/v1",
        "api.openai.com/v1",
        "https://example.com/v1?x=1",
        "http:///v1"
      })
  void fromEnv_badBaseUrl_failsNamingVariableAndShape(String url) {
    assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("TALLY_ROUTER_BASE_URL", url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TALLY_ROUTER_BASE_URL")
        .hasMessageContaining("/v1");
  }

  @Test
  void fromEnv_credentialsInBaseUrl_failWithoutEchoingThem() {
    assertThatThrownBy(
            () ->
                RouterConfig.fromEnv(
                    Map.of("TALLY_ROUTER_BASE_URL", "https://user:" + key + "@example.com/v1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TALLY_ROUTER_API_KEY")
        .hasMessageNotContaining(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "0", "-5", "1.5"})
  void fromEnv_badTimeout_failsNamingVariable(String ms) {
    assertThatThrownBy(
            () ->
                RouterConfig.fromEnv(
                    Map.of(
                        "TALLY_ROUTER_BASE_URL",
                        "http://127.0.0.1:9/v1",
                        "TALLY_ROUTER_TIMEOUT_MS",
                        ms)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TALLY_ROUTER_TIMEOUT_MS");
  }
}
