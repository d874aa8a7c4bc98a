package dev.tally.realserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationWorkflow;
import dev.tally.embedded.DevStack;
import dev.tally.json.Json;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import dev.tally.ledger.UsdSource;
import dev.tally.observe.Digest;
import dev.tally.observe.ObserverActivitiesImpl;
import dev.tally.observe.ObserverClient;
import dev.tally.observe.ObserverLog;
import dev.tally.observe.ObserverSettings;
import dev.tally.observe.ObserverStats;
import dev.tally.observe.Op;
import dev.tally.supervise.CancelRequest;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.worker.WorkerConfig;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observer on Temporal's own server: runs and a delegation report once each when they close, a
 * retried report counts once, and the observer continues as new under load with its aggregates and
 * its log (read back along the chain of runs) intact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObserverRealServerIT {
  @RegisterExtension static final RealTemporalExtension REAL = new RealTemporalExtension();

  @TempDir static Path dir;
  private static DevStack worker;
  private static WorkflowClient client;

  @BeforeAll
  static void start() {
    worker =
        DevStack.beside(
            REAL.server(),
            Map.of(WorkerConfig.TALLY_DATA_DIR, dir.resolve("data").toString()),
            true);
    client = worker.connection().client();
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  @Order(1)
  void mixedRuns_onARealServer_oneOpEach_aggregatesEqualTheirResults() throws Exception {
    Spend total = Spend.ZERO;
    for (int i = 0; i < 3; i++) {
      total =
          total.plus(stub("run-real-win-" + i).run(ScriptedWorkers.threeWorkerRun()).spentTotal());
    }
    RunRequest starved =
        new RunRequest(
            TextNode.valueOf("starved"),
            Budget.of(10, 40),
            Budget.of(1, 20),
            null,
            null,
            null,
            null,
            null,
            null);
    RunResult starvedResult = stub("run-real-starved").run(starved);
    total = total.plus(starvedResult.spentTotal());
    SupervisedRunWorkflow cancelled = stub("run-real-cancelled");
    BatchRequest start = client.newSignalWithStartRequest();
    start.add(cancelled::run, ScriptedWorkers.threeWorkerRun());
    start.add(cancelled::cancel, new CancelRequest("changed my mind", null));
    client.signalWithStart(start);
    RunResult cancelledResult = WorkflowStub.fromTyped(cancelled).getResult(RunResult.class);
    total = total.plus(cancelledResult.spentTotal());
    assertThatThrownBy(
            () ->
                stub("run-real-invalid")
                    .run(
                        new RunRequest(
                            TextNode.valueOf("no budget"),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null)))
        .isInstanceOf(WorkflowFailedException.class);
    assertThatThrownBy(
            () ->
                client
                    .newWorkflowStub(
                        DelegationWorkflow.class,
                        WorkflowOptions.newBuilder()
                            .setWorkflowId("dlg-real-invalid")
                            .setTaskQueue(worker.config().taskQueue())
                            .build())
                    .run(DelegationRequest.of("nope", Json.parse("{}"), null)))
        .isInstanceOf(WorkflowFailedException.class);

    ObserverStats stats = await(s -> s.aggregates().total().ops() >= 7, "7 ops");
    Thread.sleep(500);
    stats = observer().stats().orElseThrow();

    assertThat(stats.aggregates().total().ops()).isEqualTo(7);
    assertThat(stats.aggregates().byOutcome().get(Op.WINNER).ops()).isEqualTo(3);
    assertThat(stats.aggregates().byOutcome().get(Op.CANCELLED).ops()).isEqualTo(1);
    assertThat(stats.aggregates().byOutcome().get(Op.REFUSED).ops()).isEqualTo(2);
    assertThat(stats.aggregates().byReason().get(starvedResult.reason()).ops()).isEqualTo(1);
    assertThat(stats.aggregates().total().spent().sameAs(total)).isTrue();
    assertThat(stats.aggregates().total().spent().usdSource()).isEqualTo(UsdSource.BILLED);
    assertThat(observer().log(0).ops()).extracting(Op::runId).doesNotHaveDuplicates().hasSize(7);

    Digest digest = observer().digestNow(true);
    assertThat(digest.failures()).isEqualTo(4);
    assertThat(digest.groups())
        .extracting(Digest.FailureGroup::reason)
        .contains(Op.INVALID_REQUEST, RunResult.CANCELLED);
  }

  @Test
  @Order(2)
  void thousandReports_someRetried_continueAsNewOnARealServer_withAggregatesAndLogIntact()
      throws Exception {
    ObserverActivitiesImpl report =
        new ObserverActivitiesImpl(client, worker.config().taskQueue(), ObserverSettings.DEFAULTS);
    long before = observer().stats().orElseThrow().aggregates().total().ops();
    long now = System.currentTimeMillis();
    for (int i = 0; i < 1_000; i++) {
      Op op = op(i, now + i);
      report.reportOp(op);
      if (i % 100 == 0) {
        report.reportOp(op);
      }
    }

    ObserverStats stats =
        await(
            s -> s.aggregates().total().ops() >= before + 1_000 && s.generation() >= 1,
            "1,000 more ops after continuing as new");

    assertThat(stats.aggregates().total().ops()).isEqualTo(before + 1_000);
    assertThat(stats.duplicates()).isEqualTo(10);
    assertThat(stats.aggregates().byProfile().get("load").spent().usd())
        .isEqualByComparingTo(new BigDecimal("1.000"));
    assertThat(observer().digests()).isNotEmpty();
    ObserverLog.Read log = observer().log(0);
    assertThat(log.complete()).isTrue();
    assertThat(log.runs()).isGreaterThanOrEqualTo(2);
    assertThat(log.ops()).hasSize((int) before + 1_000);
    assertThat(observer().log(now + 900).ops()).hasSize(100);
  }

  private static Op op(int i, long closedAtMs) {
    return new Op(
        "load-" + i + "/first",
        "load-" + i,
        Op.RUN,
        "load",
        "default",
        Op.WINNER,
        true,
        null,
        null,
        null,
        new Spend(0, 10, 5, new BigDecimal("0.001"), 0, true, UsdSource.BILLED),
        5,
        List.of("m"),
        Map.of(),
        null,
        "sha256:" + i,
        closedAtMs,
        null);
  }

  private static ObserverClient observer() {
    return new ObserverClient(client);
  }

  private static ObserverStats await(Predicate<ObserverStats> done, String what)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    ObserverStats last = null;
    while (System.nanoTime() < until) {
      try {
        last = observer().stats().orElse(null);
      } catch (RuntimeException e) {
        last = null;
      }
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("observer stats " + last + ", expected " + what);
  }

  private static SupervisedRunWorkflow stub(String id) {
    return client.newWorkflowStub(
        SupervisedRunWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(worker.config().taskQueue())
            .build());
  }
}
