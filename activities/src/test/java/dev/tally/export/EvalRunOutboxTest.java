package dev.tally.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.testkit.IngestStub;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a key, batches wait in the outbox; a later flush sends exactly those payloads. */
class EvalRunOutboxTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final IngestStub ingest = IngestStub.start();
  @TempDir Path dataDir;

  @AfterEach
  void stop() {
    ingest.close();
  }

  private static EvalRunBatch batch(String runId, String status) {
    EvalRunEvent e =
        new EvalRunEvent(
            runId,
            runId,
            "2026-11-22T00:00:00Z",
            status,
            Map.of(),
            List.of(),
            null,
            null,
            new BigDecimal("0.25"),
            10,
            null);
    return EvalRunBatch.of(e);
  }

  private ExportConfig keyless() {
    return ExportConfig.fromEnv(Map.of(), dataDir);
  }

  private EvalRunExporter withKey() {
    return new EvalRunExporter(
        new ExportConfig(
            "tgl-test-" + UUID.randomUUID(),
            ingest.base(),
            keyless().outbox(),
            Duration.ofSeconds(5)));
  }

  @Test
  void activity_withoutKey_appendsThePayloadToTheOutbox() throws Exception {
    ExportEvalRunsActivitiesImpl activity = new ExportEvalRunsActivitiesImpl(keyless());

    ExportReceipt receipt = activity.exportEvalRuns(batch("run-a", EvalRunEvent.STARTED));

    assertThat(receipt.delivery()).isEqualTo(ExportReceipt.QUEUED);
    Path file = dataDir.resolve("outbox/eval-runs.jsonl");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.path("idempotencyKey").asText()).isEqualTo("run-a/started");
    assertThat(line.path("wireVersion").asText()).isEqualTo("2026-05-26.v1");
    assertThat(line.path("events").get(0).path("runId").asText()).isEqualTo("run-a");
    assertThat(ingest.received()).as("nothing sent without a key").isEmpty();
  }

  @Test
  void append_sameKeyTwice_queuesOnce() throws Exception {
    EvalRunOutbox outbox = new EvalRunOutbox(keyless().outbox());

    outbox.append(batch("run-a", EvalRunEvent.FINISHED));
    outbox.append(batch("run-a", EvalRunEvent.FINISHED));
    outbox.append(batch("run-b", EvalRunEvent.FINISHED));

    assertThat(outbox.pending())
        .extracting(EvalRunBatch::idempotencyKey)
        .containsExactly("run-a/finished", "run-b/finished");
  }

  @Test
  void flush_later_sendsTheQueuedPayloadsAndEmptiesTheOutbox() throws Exception {
    ExportEvalRunsActivitiesImpl activity = new ExportEvalRunsActivitiesImpl(keyless());
    activity.exportEvalRuns(batch("run-a", EvalRunEvent.STARTED));
    activity.exportEvalRuns(batch("run-a", EvalRunEvent.FINISHED));
    List<String> queued = Files.readAllLines(keyless().outbox());

    EvalRunOutbox.FlushReport report = new EvalRunOutbox(keyless().outbox()).flush(withKey());

    assertThat(report).isEqualTo(new EvalRunOutbox.FlushReport(2, 0, 0, null));
    assertThat(ingest.received())
        .extracting(r -> r.header("Idempotency-Key"))
        .containsExactly("run-a/started", "run-a/finished");
    for (int i = 0; i < 2; i++) {
      JsonNode sent = ingest.received().get(i).json();
      JsonNode waited = JSON.readTree(queued.get(i));
      assertThat(sent.path("events")).isEqualTo(waited.path("events"));
      assertThat(sent.path("wireVersion")).isEqualTo(waited.path("wireVersion"));
    }
    assertThat(Files.readString(keyless().outbox())).isEmpty();
  }

  @Test
  void flush_ingestDownHalfway_keepsWhatWasNotAcknowledged() throws Exception {
    EvalRunOutbox outbox = new EvalRunOutbox(keyless().outbox());
    outbox.append(batch("run-a", EvalRunEvent.FINISHED));
    outbox.append(batch("run-b", EvalRunEvent.FINISHED));
    outbox.append(batch("run-c", EvalRunEvent.FINISHED));
    ingest.then(IngestStub::fullAck).then(503, "down");

    EvalRunOutbox.FlushReport report = outbox.flush(withKey());

    assertThat(report.sent()).isEqualTo(1);
    assertThat(report.remaining()).isEqualTo(2);
    assertThat(report.error()).startsWith(ExportFailures.TRANSIENT);
    assertThat(outbox.pending())
        .extracting(EvalRunBatch::idempotencyKey)
        .containsExactly("run-b/finished", "run-c/finished");
  }

  @Test
  void flush_rejectedBatch_movesAsideWithItsReason() throws Exception {
    EvalRunOutbox outbox = new EvalRunOutbox(keyless().outbox());
    outbox.append(batch("run-a", EvalRunEvent.FINISHED));
    outbox.append(batch("run-b", EvalRunEvent.FINISHED));
    ingest
        .then(400, "{\"accepted\":0,\"rejected\":[{\"index\":0,\"reason\":\"unknown run\"}]}")
        .then(IngestStub::fullAck);

    EvalRunOutbox.FlushReport report = outbox.flush(withKey());

    assertThat(report).isEqualTo(new EvalRunOutbox.FlushReport(1, 1, 0, null));
    assertThat(outbox.pending()).isEmpty();
    String rejected = Files.readString(outbox.rejectedFile());
    assertThat(rejected).contains("run-a/finished").contains("unknown run");
  }

  @Test
  void flush_damagedLine_movesAsideAndTheRestIsSent() throws Exception {
    EvalRunOutbox outbox = new EvalRunOutbox(keyless().outbox());
    outbox.append(batch("run-a", EvalRunEvent.FINISHED));
    Files.writeString(outbox.file(), "{\"truncated\n", java.nio.file.StandardOpenOption.APPEND);
    outbox.append(batch("run-b", EvalRunEvent.FINISHED));

    EvalRunOutbox.FlushReport report = outbox.flush(withKey());

    assertThat(report).isEqualTo(new EvalRunOutbox.FlushReport(2, 1, 0, null));
    assertThat(Files.readString(outbox.rejectedFile()))
        .contains("unreadableLine")
        .contains("truncated");
    assertThat(outbox.pending()).isEmpty();
  }
}
