package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
  @TempDir Path dir;

  @Test
  void fromEnv_empty_usesDocumentedDefaults() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of());

    assertThat(c.temporalAddress()).isEqualTo("127.0.0.1:7233");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.taskQueue()).isEqualTo("tally");
    assertThat(c.sticky()).isTrue();
    assertThat(c.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".tally"));
    assertThat(c.blobDir()).isEqualTo(c.dataDir().resolve("blobs"));
    assertThat(c.router().configured()).isFalse();
  }

  @Test
  void fromEnv_everyVariableSet_readsEach() {
    Map<String, String> env =
        Map.of(
            "TEMPORAL_ADDRESS", "temporal:7233",
            "TEMPORAL_NAMESPACE", "prod",
            "TALLY_TASK_QUEUE", "tally-big",
            "TALLY_STICKY", "OFF",
            "TALLY_DATA_DIR", dir.toString(),
            "TALLY_ROUTER_BASE_URL", "https://openrouter.ai/api/v1",
            "TALLY_DRIVER_MODEL", "openai/gpt-5-mini",
            "TALLY_WORKER_MODEL", "openai/gpt-5-nano");

    WorkerConfig c = WorkerConfig.fromEnv(env);

    assertThat(c.temporalAddress()).isEqualTo("temporal:7233");
    assertThat(c.namespace()).isEqualTo("prod");
    assertThat(c.taskQueue()).isEqualTo("tally-big");
    assertThat(c.sticky()).isFalse();
    assertThat(c.dataDir()).isEqualTo(dir);
    assertThat(c.router().baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
    assertThat(c.router().defaultModel("driver")).isEqualTo("openai/gpt-5-mini");
    assertThat(c.router().defaultModel("worker")).isEqualTo("openai/gpt-5-nano");
  }

  @Test
  void fromEnv_tildeDataDir_expandsToHome() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TALLY_DATA_DIR", "~/tally-data"));

    assertThat(c.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), "tally-data"));
  }

  @Test
  void fromEnv_badSticky_namesVariableExpectedAndActual() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_STICKY", "maybe")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TALLY_STICKY: expected on or off")
        .hasMessageContaining("got 'maybe'");
  }

  @Test
  void fromEnv_badHarnesses_refusesToStartNamingTheEntry() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_HARNESSES", "{\"codex\": 7}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "TALLY_HARNESSES: codex: expected a command string or {command, usage?}, got 7");
  }

  @Test
  void fromEnv_namedHarnesses_sitNextToTheDefault() {
    WorkerConfig c =
        WorkerConfig.fromEnv(
            Map.of(
                "TALLY_HARNESSES",
                "{\"claude-code\": \"claude -p --output-format json\"}",
                "TALLY_LOCAL_HARNESS",
                "my-agent"));

    assertThat(c.sandbox().harnesses().names()).containsExactly("claude-code", "default");
    assertThat(c.sandbox().harnesses().find("claude-code").orElseThrow().decoder().name())
        .isEqualTo("claude-code");
  }

  @Test
  void fromEnv_badAddress_namesVariableExpectedAndActual() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TEMPORAL_ADDRESS", "localhost")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TEMPORAL_ADDRESS: expected host:port such as 127.0.0.1:7233")
        .hasMessageContaining("got 'localhost'");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TEMPORAL_ADDRESS", "host:99999")))
        .hasMessageContaining("TEMPORAL_ADDRESS: expected a port in 1..65535, got 99999");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TEMPORAL_ADDRESS", "http://h:7233")))
        .hasMessageContaining("TEMPORAL_ADDRESS: expected host:port");
  }

  @Test
  void fromEnv_queueOrNamespaceWithSpaces_refused() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_TASK_QUEUE", "my queue")))
        .hasMessageContaining("TALLY_TASK_QUEUE: expected a task queue name without spaces")
        .hasMessageContaining("got 'my queue'");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TEMPORAL_NAMESPACE", "a b")))
        .hasMessageContaining("TEMPORAL_NAMESPACE: expected a namespace name without spaces");
  }

  @Test
  void fromEnv_dataDirIsAFile_refused() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_DATA_DIR", file.toString())))
        .hasMessageContaining(
            "TALLY_DATA_DIR: expected a directory, got the regular file '" + file);
  }

  @Test
  void fromEnv_missingPriceCatalog_refused() {
    Path missing = dir.resolve("prices.json");

    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(Map.of("TALLY_PRICE_CATALOG", missing.toString())))
        .hasMessageContaining("TALLY_PRICE_CATALOG: expected a readable JSON price catalog file")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void fromEnv_routerProblem_reportedThroughTheSameMessage() {
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(Map.of("TALLY_ROUTER_BASE_URL", "https://api.openai.com")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TALLY_ROUTER_BASE_URL")
        .hasMessageContaining("/v1");
  }

  @Test
  void fromEnv_sandboxProblem_reportedAndSandboxSharesTheDataDir() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_TICK_INTERVAL_MS", "often")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TALLY_TICK_INTERVAL_MS");

    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TALLY_DATA_DIR", "~/tally-data"));
    assertThat(c.sandbox().dataDir()).isEqualTo(c.dataDir());
  }

  @Test
  void fromEnv_severalProblems_allListedOnOneLine() {
    Map<String, String> env = new HashMap<>();
    env.put("TALLY_STICKY", "maybe");
    env.put("TEMPORAL_ADDRESS", "nowhere");
    env.put("TALLY_ROUTER_TIMEOUT_MS", "soon");

    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("TALLY_STICKY")
        .hasMessageContaining("TEMPORAL_ADDRESS")
        .hasMessageContaining("TALLY_ROUTER_TIMEOUT_MS")
        .hasMessageNotContaining("\n");
  }

  @Test
  void toString_neverShowsTheRouterKey() {
    String key = "sk-test-" + UUID.randomUUID();

    WorkerConfig c =
        WorkerConfig.fromEnv(
            Map.of(
                "TALLY_ROUTER_BASE_URL",
                "https://openrouter.ai/api/v1",
                "TALLY_ROUTER_API_KEY",
                key));

    assertThat(c.router().apiKey()).isEqualTo(key);
    assertThat(c.toString()).doesNotContain(key).contains("redacted").contains("sticky=on");
  }

  @Test
  void fromEnv_telemetryAndExport_readAndTheirSecretsRedacted() {
    String tangleKey = "tk-test-" + UUID.randomUUID();
    String otlpToken = "otlp-test-" + UUID.randomUUID();

    WorkerConfig c =
        WorkerConfig.fromEnv(
            Map.of(
                "TALLY_DATA_DIR",
                dir.toString(),
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://jaeger:4318",
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer " + otlpToken,
                "TANGLE_API_KEY",
                tangleKey));

    assertThat(c.telemetry().enabled()).isTrue();
    assertThat(c.export().hasKey()).isTrue();
    assertThat(c.export().outbox().startsWith(dir)).isTrue();
    assertThat(c.toString()).doesNotContain(tangleKey).doesNotContain(otlpToken);
  }

  @Test
  void fromEnv_badTelemetryEndpoint_reported() {
    assertThatThrownBy(
            () ->
                WorkerConfig.fromEnv(
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "jaeger without scheme")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  @Test
  void withSticky_overridesOnlySticky() {
    WorkerConfig off = WorkerConfig.fromEnv(Map.of("TALLY_STICKY", "off"));

    WorkerConfig on = off.withSticky(true);

    assertThat(on.sticky()).isTrue();
    assertThat(on.withSticky(false)).isEqualTo(off);
  }

  @Test
  void fromEnv_noBlobOrHostVariables_usesTheFilesystemStoreAndTheHostname() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("HOSTNAME", "box 7", "TALLY_TASK_QUEUE", "q"));

    assertThat(c.blobs().kind()).isEqualTo("fs");
    assertThat(c.blobs().dir()).isEqualTo(c.blobDir());
    assertThat(c.host().hostId()).isEqualTo("box-7");
    assertThat(c.host().timeout()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.hostTaskQueue()).isEqualTo("q-host-box-7");
  }

  @Test
  void fromEnv_s3Store_readsBucketEndpointRegionPrefixAndHidesTheKeys() {
    Map<String, String> env =
        Map.of(
            "TALLY_BLOB_STORE", "s3",
            "TALLY_S3_BUCKET", "tally-conversations",
            "TALLY_S3_ENDPOINT", "http://minio:9000",
            "TALLY_S3_REGION", "eu-west-1",
            "TALLY_S3_PREFIX", "prod",
            "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "very-secret-value",
            "TALLY_HOST_ID", "worker-a",
            "TALLY_SANDBOX_HOST_TIMEOUT", "90s");

    WorkerConfig c = WorkerConfig.fromEnv(env);

    assertThat(c.blobs().bucket()).isEqualTo("tally-conversations");
    assertThat(c.blobs().endpoint()).hasToString("http://minio:9000");
    assertThat(c.blobs().region()).isEqualTo("eu-west-1");
    assertThat(c.blobs().prefix()).isEqualTo("prod/");
    assertThat(c.host().hostId()).isEqualTo("worker-a");
    assertThat(c.host().timeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(c.toString()).doesNotContain("very-secret-value").doesNotContain("AKIAEXAMPLE");
  }

  @Test
  void fromEnv_badBlobAndHostVariables_namesEachWithExpectedAndActual() {
    Map<String, String> env =
        Map.of(
            "TALLY_BLOB_STORE", "s3",
            "TALLY_S3_ENDPOINT", "minio:9000",
            "TALLY_HOST_ID", "a/b",
            "TALLY_SANDBOX_HOST_TIMEOUT", "600");

    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TALLY_S3_BUCKET: expected a bucket name")
        .hasMessageContaining("TALLY_S3_ENDPOINT: expected an http(s) URL")
        .hasMessageContaining("TALLY_HOST_ID: expected")
        .hasMessageContaining("'a/b'")
        .hasMessageContaining("TALLY_SANDBOX_HOST_TIMEOUT: expected a duration")
        .hasMessageContaining("'600'");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_SANDBOX_HOST_TIMEOUT", "soon")))
        .hasMessageContaining("TALLY_SANDBOX_HOST_TIMEOUT: expected a duration");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("TALLY_BLOB_STORE", "gcs")))
        .hasMessageContaining("TALLY_BLOB_STORE: expected fs or s3, got 'gcs'");
  }
}
