package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.IngestStub;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval-run ingest client against a real HTTP server on loopback. */
class EvalRunExporterTest {
  private final String key = "tgl-test-" + UUID.randomUUID();
  private final IngestStub ingest = IngestStub.start();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    ingest.close();
  }

  private EvalRunExporter exporter() {
    return new EvalRunExporter(
        new ExportConfig(
            key, ingest.base() + "/", dir.resolve("outbox.jsonl"), Duration.ofSeconds(5)));
  }

  private static EvalRunBatch batch(int events) {
    List<EvalRunEvent> list =
        java.util.stream.IntStream.range(0, events)
            .mapToObj(
                i ->
                    new EvalRunEvent(
                        "run-" + i,
                        "runs/" + i,
                        "2026-11-22T00:00:00Z",
                        EvalRunEvent.FINISHED,
                        Map.of("suite", "s"),
                        List.of(
                            new Generation(
                                0, "sha256:ab", null, null, 0.5, new BigDecimal("0.0000125"), 42)),
                        null,
                        null,
                        new BigDecimal("0.0000125"),
                        1000,
                        null))
            .toList();
    return new EvalRunBatch("run-0/finished", list);
  }

  @Test
  void send_fullAcknowledgement_postsHeadersAndBodyAndReturnsSent() {
    ExportReceipt receipt = exporter().send(batch(2));

    assertThat(receipt).isEqualTo(new ExportReceipt(ExportReceipt.SENT, 200, 2, List.of()));
    IngestStub.Received post = ingest.received().get(0);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo("/v1/ingest/eval-runs");
    assertThat(post.header("Authorization")).isEqualTo("Bearer " + key);
    assertThat(post.header("X-Tangle-Wire-Version")).isEqualTo("2026-05-26.v1");
    assertThat(post.header("Idempotency-Key")).isEqualTo("run-0/finished");
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = post.json();
    assertThat(body.path("wireVersion").asText()).isEqualTo("2026-05-26.v1");
    assertThat(body.path("events")).hasSize(2);
    JsonNode e = body.path("events").get(0);
    assertThat(e.path("runId").asText()).isEqualTo("run-0");
    assertThat(e.path("status").asText()).isEqualTo("finished");
    assertThat(post.body()).as("dollars as plain decimals").contains("\"totalCostUsd\":0.0000125");
    assertThat(e.path("generations").get(0).path("surfaceHash").asText()).isEqualTo("sha256:ab");
    assertThat(e.has("gateDecision")).as("absent fields are left out").isFalse();
  }

  @Test
  void send_400WithPerEventRejections_failsTypedNonRetryableWithTheRejections() {
    ingest.then(
        400,
        "{\"accepted\":1,\"rejected\":[{\"index\":1,\"reason\":\"runDir must be relative\"}]}");

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(2)));

    assertThat(f.getType()).isEqualTo(ExportFailures.REJECTED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("#1 runDir must be relative");
    Rejection[] rejections = f.getDetails().get(Rejection[].class);
    assertThat(rejections).containsExactly(new Rejection(1, "runDir must be relative"));
  }

  @Test
  void send_acknowledgementsThatDoNotAddUp_areErrorsNotSuccess() {
    List<String> inconsistent =
        List.of(
            "{\"accepted\":1,\"rejected\":[]}",
            "{\"accepted\":3,\"rejected\":[]}",
            "{\"accepted\":0,\"rejected\":[{\"index\":0,\"reason\":\"x\"},{\"index\":0,\"reason\":\"y\"}]}",
            "{\"accepted\":1,\"rejected\":[{\"index\":2,\"reason\":\"x\"}]}",
            "{\"accepted\":1,\"rejected\":[{\"index\":1,\"reason\":\"\"}]}",
            "{\"accepted\":-1,\"rejected\":[]}",
            "{\"accepted\":1.5,\"rejected\":[]}",
            "{\"rejected\":[]}",
            "not json",
            "");
    for (String body : inconsistent) {
      ingest.then(200, body);
      ApplicationFailure f =
          catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(2)));
      assertThat(f).as("reply %s", body).isNotNull();
      assertThat(f.getType()).as("reply %s", body).isEqualTo(ExportFailures.BAD_ACKNOWLEDGEMENT);
      assertThat(f.isNonRetryable()).isTrue();
    }
  }

  @Test
  void send_failedStatusClaimingFullAcceptance_isAnError() {
    ingest.then(500, "{\"accepted\":2,\"rejected\":[]}");

    assertThatThrownBy(() -> exporter().send(batch(2)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ExportFailures.BAD_ACKNOWLEDGEMENT);
              assertThat(f.getOriginalMessage()).contains("Failed HTTP response 500");
            });
  }

  @Test
  void send_unavailableWithRetryAfter_isRetryableWithThatDelay() {
    ingest.then(r -> new IngestStub.Reply(503, "busy", Map.of("Retry-After", "7")));

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(1)));

    assertThat(f.getType()).isEqualTo(ExportFailures.TRANSIENT);
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void send_unauthorizedEchoingTheKey_failsWithoutTheKeyInTheMessage() {
    ingest.then(401, "{\"error\":\"bad key " + key + "\"}");

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(1)));

    assertThat(f.getType()).isEqualTo(ExportFailures.UNAUTHORIZED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).doesNotContain(key).contains("[redacted]");
  }

  @Test
  void send_otherClientError_isTypedNonRetryable() {
    ingest.then(422, "{\"error\":\"unknown wire version\"}");

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(1)));

    assertThat(f.getType()).isEqualTo(ExportFailures.HTTP_ERROR);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("422").contains("unknown wire version");
  }

  @Test
  void send_nobodyListening_isTransient() {
    ingest.close();

    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> exporter().send(batch(1)));

    assertThat(f.getType()).isEqualTo(ExportFailures.TRANSIENT);
    assertThat(f.isNonRetryable()).isFalse();
  }

  @Test
  void exporter_withoutKey_isRefusedNamingTheVariable() {
    assertThatThrownBy(() -> new EvalRunExporter(ExportConfig.fromEnv(Map.of(), dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TANGLE_API_KEY");
  }

  @Test
  void config_fromEnv_readsBaseKeyAndOutboxWithoutPrintingTheKey() {
    ExportConfig c =
        ExportConfig.fromEnv(
            Map.of("TANGLE_API_KEY", key, "INTELLIGENCE_BASE", "https://ingest.example/"), dir);

    assertThat(c.ingestUri().toString()).isEqualTo("https://ingest.example/v1/ingest/eval-runs");
    assertThat(c.outbox()).isEqualTo(dir.resolve("outbox").resolve("eval-runs.jsonl"));
    assertThat(c.toString()).doesNotContain(key);
    assertThat(ExportConfig.fromEnv(Map.of(), dir).base())
        .isEqualTo("https://intelligence.tangle.tools");
    assertThat(ExportConfig.fromEnv(Map.of("TANGLE_API_KEY", "  "), dir).hasKey()).isFalse();
    assertThatThrownBy(() -> ExportConfig.fromEnv(Map.of("INTELLIGENCE_BASE", "ftp://x"), dir))
        .hasMessageContaining("INTELLIGENCE_BASE")
        .hasMessageContaining("ftp://x");
  }
}
