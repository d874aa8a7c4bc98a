package dev.tally.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.ledger.Budget;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker dies after its report reached the observer but before the report activity completed:
 * Temporal sends the report again from another worker, and the observer counts the run once.
 */
class ObserverWorkerKilledTest {
  private final ObserverStack stack = new ObserverStack(false, ObserverSettings.DEFAULTS);

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void workerKilledWhileSignalling_opIsLoggedExactlyOnce() throws Exception {
    AtomicInteger signals = new AtomicInteger();
    CountDownLatch signalled = new CountDownLatch(1);
    ObserverActivitiesImpl real = stack.observerActivities();
    ObserverActivities dying =
        new ObserverActivities() {
          @Override
          public void reportOp(Op op) {
            real.reportOp(op);
            signals.incrementAndGet();
            signalled.countDown();
            // The process dies here: the signal went out, the activity never completes.
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("worker killed");
          }

          @Override
          public PlaybookExcerpt playbookFor(PlaybookRequest request) {
            return real.playbookFor(request);
          }
        };
    WorkerFactory doomed = stack.extraWorker(dying);
    doomed.start();
    SupervisedRunWorkflow run =
        stack.client.newWorkflowStub(
            SupervisedRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("run-killed-worker")
                .setTaskQueue(ObserverStack.QUEUE)
                .build());
    WorkflowClient.start(
        run::run,
        new RunRequest(
            TextNode.valueOf("survive a dead worker"),
            new Budget(100L, 1_000_000L, new BigDecimal("1.00"), null),
            Budget.of(2, 50_000),
            null,
            null,
            null,
            null,
            null,
            null));
    assertThat(signalled.await(60, TimeUnit.SECONDS)).as("the doomed worker signalled").isTrue();
    doomed.shutdownNow();
    stack.start(
        new ObserverActivities() {
          @Override
          public void reportOp(Op op) {
            real.reportOp(op);
            signals.incrementAndGet();
          }

          @Override
          public PlaybookExcerpt playbookFor(PlaybookRequest request) {
            return real.playbookFor(request);
          }
        });

    RunResult result = WorkflowStub.fromTyped(run).getResult(90, TimeUnit.SECONDS, RunResult.class);

    assertThat(result.kind()).isEqualTo(RunResult.WINNER);
    ObserverStats stats = stack.awaitOps(1, Duration.ofSeconds(30));
    assertThat(signals.get()).as("the report was sent twice").isEqualTo(2);
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (stats.duplicates() < 1 && System.nanoTime() < until) {
      Thread.sleep(100);
      stats = stack.observer().stats().orElseThrow();
    }
    assertThat(stats.duplicates()).as("the second report was dropped as a duplicate").isEqualTo(1);
    assertThat(stats.aggregates().total().ops()).isEqualTo(1);
    assertThat(stack.observer().log(0).ops())
        .singleElement()
        .satisfies(op -> assertThat(op.runId()).isEqualTo("run-killed-worker"));
  }
}
