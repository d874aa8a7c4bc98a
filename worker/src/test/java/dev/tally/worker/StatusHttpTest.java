package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's optional HTTP port over real loopback HTTP: {@code /health} for load balancers,
 * {@code /stats} with the namespace observer's aggregates once a run has closed.
 */
class StatusHttpTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void healthAndStats_onLoopback_reportPollingAndTheObserversCount() throws Exception {
    try (ScriptedRouter router = ScriptedRouter.start(0, 1);
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      Map<String, String> vars = env(router);
      vars.put("TALLY_HTTP_PORT", "0");
      WorkflowClient client = env.getWorkflowClient();
      try (TallyWorker worker = TallyWorker.create(client, WorkerConfig.fromEnv(vars)).start()) {
        String base = "http://127.0.0.1:" + worker.httpPort();

        HttpResponse<String> health = get(base + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.parse(health.body()).path("status").asText()).isEqualTo("ok");
        assertThat(Json.parse(health.body()).path("taskQueue").asText()).isEqualTo("tally");
        assertThat(Json.parse(get(base + "/stats").body()).path("observer").asText())
            .isEqualTo("not started");

        RunResult result =
            client
                .newWorkflowStub(
                    SupervisedRunWorkflow.class,
                    WorkflowOptions.newBuilder()
                        .setWorkflowId("run-http-stats")
                        .setTaskQueue("tally")
                        .build())
                .run(
                    new RunRequest(
                        TextNode.valueOf("one answer"),
                        new Budget(4L, 40_000L, new BigDecimal("0.10"), null),
                        new Budget(1L, 8_000L, new BigDecimal("0.02"), null),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
        assertThat(result.kind()).isEqualTo(RunResult.WINNER);

        JsonNode stats = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
          stats = Json.parse(get(base + "/stats").body());
          if (stats.at("/stats/aggregates/total/ops").asLong() == 1) {
            break;
          }
          Thread.sleep(100);
        }
        assertThat(stats.at("/stats/aggregates/total/ops").asLong()).as("%s", stats).isEqualTo(1);
        assertThat(stats.at("/stats/aggregates/byOutcome/winner/succeeded").asLong()).isEqualTo(1);
        assertThat(new BigDecimal(stats.at("/stats/aggregates/total/spent/usd").asText()))
            .isEqualByComparingTo(result.spentTotal().usd());

        HttpResponse<String> post =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get(base + "/health/x").statusCode()).isEqualTo(404);
      }
    }
  }

  @Test
  void httpPort_unset_isOff() throws Exception {
    try (ScriptedRouter router = ScriptedRouter.start(0, 1);
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
        TallyWorker worker =
            TallyWorker.create(env.getWorkflowClient(), WorkerConfig.fromEnv(env(router)))
                .start()) {
      assertThat(worker.httpPort()).isNull();
    }
  }

  @Test
  void httpPortAndObserverSettings_bad_areRefusedByName() {
    Map<String, String> vars = new HashMap<>();
    vars.put("TALLY_DATA_DIR", dataDir.toString());
    vars.put("TALLY_HTTP_PORT", "eighty");
    vars.put("TALLY_OBSERVER_MAX_TOKENS", "-5");
    vars.put("TALLY_OBSERVER_DIGEST_EVERY", "600");

    assertThatThrownBy(() -> WorkerConfig.fromEnv(vars))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TALLY_HTTP_PORT: expected a port number, got 'eighty'")
        .hasMessageContaining("TALLY_OBSERVER_MAX_TOKENS: expected a whole number ≥ 0, got '-5'")
        .hasMessageContaining("TALLY_OBSERVER_DIGEST_EVERY");
  }

  private Map<String, String> env(ScriptedRouter router) {
    Map<String, String> vars = new HashMap<>();
    vars.put("TALLY_STICKY", "off");
    vars.put("TALLY_DATA_DIR", dataDir.toString());
    vars.put("TALLY_ROUTER_BASE_URL", router.baseUrl());
    vars.put("TALLY_DRIVER_MODEL", ScriptedRouter.MODEL);
    vars.put("TALLY_WORKER_MODEL", ScriptedRouter.MODEL);
    return vars;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
