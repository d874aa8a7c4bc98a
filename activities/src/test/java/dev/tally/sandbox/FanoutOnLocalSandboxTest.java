package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.CodeChange;
import dev.tally.delegate.DelegationFailures;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.delegate.DelegationWorkflowImpl;
import dev.tally.delegate.TurnView;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportConfig;
import dev.tally.export.ExportEvalRunsActivitiesImpl;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.ledger.UsdSource;
import dev.tally.meter.RecordingMeter;
import dev.tally.sandbox.harness.Harnesses;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-variant coder fanout with real processes and real git: harness {@code wrong} breaks the
 * tests, {@code large} writes a correct 21-line change, {@code small} a correct one-line change.
 * Every harness logs when it starts and ends, so the concurrency cap can be checked from outside.
 */
class FanoutOnLocalSandboxTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  /** Approves only a change that added big.txt: it rejects the small candidate. */
  static final String REVIEW_WANTS_BIG =
      "if [ -f big.txt ]; then echo '{\"approved\":true,\"recommendation\":\"ship\",\"readiness\":0.9}';"
          + " else echo '{\"approved\":false,\"recommendation\":\"changes-requested\","
          + "\"readiness\":0.4,\"notes\":\"too small to be right\"}'; fi";

  static final String REVIEW_REJECTS_ALL =
      "echo 'looking...'; echo '{\"approved\":false,\"recommendation\":\"reject\",\"readiness\":0.1}'";

  @TempDir Path tmp;
  private Path repo;
  private Path log;
  private Path outbox;
  private final RecordingMeter meter = new RecordingMeter();

  @BeforeEach
  void setUp(TestWorkflowEnvironment env, Worker worker) throws IOException {
    repo = Fixtures.gitRepo(tmp);
    log = tmp.resolve("concurrency.log");
    Path claudeSample = tmp.resolve("claude.json");
    try (InputStream in =
        Objects.requireNonNull(
            getClass().getResourceAsStream("/harness-output/claude-code-json.json"))) {
      Files.write(claudeSample, in.readAllBytes());
    }
    ObjectNode harnesses = Json.CANONICAL.createObjectNode();
    harnesses.put(
        "wrong",
        logged(
            "printf 'goodbye\\n' >> README.md;"
                + " printf '{\"inputTokens\":300,\"outputTokens\":40,\"costUsd\":0.03}' > \"$TALLY_USAGE_FILE\";"
                + " echo \"model=$TALLY_MODEL\""));
    harnesses.put(
        "large",
        logged(
            "printf 'hello\\n' >> README.md; i=0; while [ $i -lt 20 ]; do echo \"line $i\" >> big.txt;"
                + " i=$((i+1)); done;"
                + " printf '{\"inputTokens\":500,\"outputTokens\":90,\"costUsd\":0.02,\"model\":\"m-large\"}'"
                + " > \"$TALLY_USAGE_FILE\""));
    harnesses.put("sleeper", "echo \"$$\" >> '" + tmp.resolve("sleepers") + "'; sleep 300");
    ObjectNode small = harnesses.putObject("small");
    small.put("command", logged("printf 'hello\\n' >> README.md; cat '" + claudeSample + "'"));
    small.put("usage", "claude-code");
    SandboxConfig config =
        new SandboxConfig(
            tmp.resolve("data"),
            null,
            100,
            60_000,
            Duration.ofMinutes(1),
            Harnesses.parse(harnesses.toString(), null));
    outbox = tmp.resolve("outbox/eval-runs.jsonl");
    worker.registerActivitiesImplementations(
        SandboxActivitiesImpl.create(config),
        meter,
        new ExportEvalRunsActivitiesImpl(new ExportConfig(null, null, outbox, null)),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
  }

  /** Wraps a harness action so that its start and end land in the concurrency log. */
  private String logged(String action) {
    return "echo \"+ $TALLY_SESSION_ID\" >> '"
        + log
        + "'; sleep 0.4; "
        + action
        + "; code=$?; echo \"- $TALLY_SESSION_ID\" >> '"
        + log
        + "'; exit $code";
  }

  private DelegationRequest fanout(String winner, String reviewerCmd) {
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("goal", "greet the reader");
    args.put("repoRoot", repo.toString());
    args.put("variants", 3);
    ObjectNode config = args.putObject("config");
    config.put("testCmd", "grep -q hello README.md && ! grep -q goodbye README.md");
    config.put("maxDiffLines", 50);
    config.putArray("harnesses").add("wrong").add("large").add("small");
    config.putArray("models").add("m-wrong").addNull().add("m-small");
    config.put("maxConcurrency", 2);
    if (winner != null) {
      config.put("winner", winner);
    }
    if (reviewerCmd != null) {
      ObjectNode r = config.putObject("reviewer");
      r.put("kind", "command");
      r.put("cmd", reviewerCmd);
    }
    return DelegationRequest.of(DelegationProfiles.CODER, args, "fanout").withTiming(100L, null);
  }

  private DelegationResult run(WorkflowClient client, Worker worker, DelegationRequest request) {
    String id = DelegationSubmitter.submit(client, worker.getTaskQueue(), request).taskId();
    return client.newUntypedWorkflowStub(id).getResult(DelegationResult.class);
  }

  private static String winnerHarness(DelegationResult r) {
    return r.turns().stream()
        .filter(t -> Boolean.TRUE.equals(t.winner()))
        .map(TurnView::harness)
        .findFirst()
        .orElse(null);
  }

  @Test
  void smallestDiff_picksTheSmallCorrectChange_andCostIsTheSumOfTheCandidates(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationResult r =
        run(
            client,
            worker,
            fanout("smallest-diff", null)
                .withEvalRun(new EvalRunLabels("evals/fanout", Map.of("suite", "fanout"))));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(winnerHarness(r)).isEqualTo("small");
    CodeChange change = Json.convert(r.result(), CodeChange.class);
    assertThat(change.filesTouched()).containsExactly("README.md");
    assertThat(change.diffLines()).isEqualTo(1);
    assertThat(r.winner()).isEqualTo(r.turns().get(2).sessionId());
    // Every candidate's evidence and spend stays in the result.
    TurnView wrong = r.turns().get(0);
    assertThat(wrong.error().kind()).isEqualTo(SandboxFailures.VALIDATION_REFUSED);
    assertThat(wrong.error().message()).contains("test check");
    assertThat(wrong.spent().usd()).isEqualByComparingTo("0.03");
    assertThat(r.turns().get(1).spent().usd()).isEqualByComparingTo("0.02");
    assertThat(r.turns().get(2).spent().usd()).isEqualByComparingTo("0.1873425");
    assertThat(r.turns().get(2).spent().inputTokens()).isEqualTo(31 + 12408 + 88125);
    // Billed by every harness, so the delegation's cost is known and is their sum.
    assertThat(r.spent().usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(r.costUsd())
        .isEqualByComparingTo(
            new BigDecimal("0.03").add(new BigDecimal("0.02")).add(new BigDecimal("0.1873425")));
    // TALLY_MODEL reached the harness, and the ledger names the model of each turn.
    List<String> models =
        meter.batches().stream()
            .flatMap(b -> b.entries().stream())
            .map(e -> ((LedgerEntry.Metered) e).model())
            .toList();
    assertThat(models).containsExactly("m-wrong", "m-large", "claude-sonnet-4-5-20250929");
    assertThat(maxConcurrent()).isEqualTo(2);
    assertThat(Fixtures.sh(repo, "git worktree list").lines()).hasSize(1);
    // One eval-run record, one generation per candidate: the patch's address, cost, duration.
    EvalRunEvent record = r.evalRecord();
    assertThat(record.status()).isEqualTo(EvalRunEvent.FINISHED);
    assertThat(record.runDir()).isEqualTo("evals/fanout");
    assertThat(record.generations()).hasSize(3);
    assertThat(record.generations().get(2).surfaceHash())
        .isEqualTo(Json.sha256Ref(change.patch().getBytes(StandardCharsets.UTF_8)));
    assertThat(record.generations().get(0).surfaceHash()).isEmpty();
    assertThat(record.generations().get(0).costUsd()).isEqualByComparingTo("0.03");
    assertThat(record.generations().get(2).durationMs()).isPositive();
    assertThat(record.totalCostUsd()).isEqualByComparingTo(r.costUsd());
    // No key on this worker: the same payload waits in the outbox.
    assertThat(Files.readString(outbox)).contains(r.taskId()).contains("\"finished\"");
  }

  @Test
  void highestScore_withoutReviewer_picksTheSmallChange(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationResult r = run(client, worker, fanout(null, null));

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    assertThat(winnerHarness(r)).isEqualTo("small");
    // 0.5 * 1 + 0.5 * (1 - 1/50) against 0.5 * 1 + 0.5 * (1 - 21/50).
    assertThat(r.turns().get(2).score()).isEqualTo(0.99);
    assertThat(r.turns().get(1).score()).isEqualTo(0.79);
    assertThat(r.turns().get(0).score()).isNull();
    assertThat(maxConcurrent()).isEqualTo(2);
  }

  @Test
  void reviewerRejectingTheSmallOne_firstApprovedAndHighestReadinessPickTheLargeOne(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationResult first = run(client, worker, fanout("first-approved", REVIEW_WANTS_BIG));
    DelegationResult ready = run(client, worker, fanout("highest-readiness", REVIEW_WANTS_BIG));

    for (DelegationResult r : List.of(first, ready)) {
      assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
      assertThat(winnerHarness(r)).isEqualTo("large");
      CodeChange change = Json.convert(r.result(), CodeChange.class);
      assertThat(change.filesTouched()).containsExactlyInAnyOrder("README.md", "big.txt");
      assertThat(change.review().readiness()).isEqualTo(0.9);
      TurnView small = r.turns().get(2);
      assertThat(small.error().kind()).isEqualTo(DelegationFailures.REVIEW_REJECTED);
      assertThat(small.error().message())
          .contains("did not approve: changes-requested (readiness 0.4): too small to be right");
      assertThat(small.evidence().get("review").get("approved").asBoolean()).isFalse();
      // The wrong one never reached the reviewer: it failed validation first.
      assertThat(r.turns().get(0).evidence().has("review")).isFalse();
    }
    assertThat(maxConcurrent()).isEqualTo(2);
  }

  @Test
  void nothingEligible_failsNamingEachCandidatesReason(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationResult r = run(client, worker, fanout("first-approved", REVIEW_REJECTS_ALL));

    assertThat(r.status()).isEqualTo(DelegationStatus.FAILED);
    assertThat(r.result()).isNull();
    assertThat(r.error().kind()).isEqualTo(DelegationFailures.NO_ELIGIBLE_CANDIDATE);
    String sid = r.taskId();
    assertThat(r.error().message())
        .startsWith("no candidate of 3 was eligible: ")
        .contains(sid + "-v1 (wrong): validation refused: test check")
        .contains(sid + "-v2 (large): reviewer command:")
        .contains(sid + "-v3 (small): reviewer command:")
        .contains("did not approve: reject (readiness 0.1)");
    // Failed candidates still cost what they cost.
    assertThat(r.costUsd()).isEqualByComparingTo("0.2373425");
    assertThat(Fixtures.sh(repo, "git worktree list").lines()).hasSize(1);
  }

  /** The most harnesses that were running at once, from their start and end lines. */
  private int maxConcurrent() throws IOException {
    int running = 0;
    int max = 0;
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      running += line.startsWith("+") ? 1 : -1;
      max = Math.max(max, running);
    }
    assertThat(running).as("every harness that started also ended").isZero();
    return max;
  }

  @Test
  void cancel_reachesEveryCandidate_runningOnesAreKilledAndQueuedOnesNeverStart(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    DelegationRequest request = fanout(null, null);
    ObjectNode config = (ObjectNode) request.args().get("config");
    config.putArray("harnesses").add("sleeper");
    String id = DelegationSubmitter.submit(client, worker.getTaskQueue(), request).taskId();
    Path sleepers = tmp.resolve("sleepers");
    for (int i = 0;
        i < 600 && (!Files.exists(sleepers) || Files.readAllLines(sleepers).size() < 2);
        i++) {
      Thread.sleep(50);
    }
    List<Long> pids = Files.readAllLines(sleepers).stream().map(Long::parseLong).toList();
    assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(Fixtures.running(pid)).isTrue());

    client.newWorkflowStub(DelegationWorkflow.class, id).cancel(new CancelRequest("stop all"));
    DelegationResult r = client.newUntypedWorkflowStub(id).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.CANCELLED);
    assertThat(pids).allSatisfy(pid -> assertThat(Fixtures.running(pid)).isFalse());
    // The third candidate waited for the cap and never started: no harness, no box.
    assertThat(Files.readAllLines(sleepers)).hasSize(2);
    assertThat(tmp.resolve("data/sandboxes/" + id + "-v3/control/lease.json")).doesNotExist();
    assertThat(r.turns()).extracting(TurnView::phase).containsOnly("cancelled");
    assertThat(Fixtures.sh(repo, "git worktree list").lines()).hasSize(1);
  }
}
