package dev.tally.router.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.ledger.Budget;
import dev.tally.ledger.Spend;
import dev.tally.router.ConversationStore;
import dev.tally.router.PriceCatalog;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.supervise.DriverSettings;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import dev.tally.supervise.SupervisedRunWorkflow;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * No model output can make a run spend past its root ceiling by more than the stated bound: on
 * every generated run (spawn floods, zero and one-token budgets, nested drivers, a tokenizer worse
 * than the estimate) the run's total spend stays within {@code root ceiling + the sum over nodes of
 * each node's largest prompt-estimate shortfall} on tokens, within the ceiling exactly on
 * iterations, and within the dollar cap plus that slack priced at the input rate; every call
 * carries {@code max_tokens}; and the ledger holds exactly what the router billed.
 *
 * <p>The production workflows and {@code RouterChat} activity run on the time-skipping test server;
 * only the HTTP hop is replaced by an in-process backend ({@link BillingRouter}). {@link
 * PoolEscapeOverHttpTest} runs the same plans through the real HTTP client.
 */
class PoolEscapePropertyTest {
  static final String MODEL = "gpt-5-nano";
  static final PriceCatalog.ModelPrice PRICE = PriceCatalog.bundled().price(MODEL).orElseThrow();

  private static TestWorkflowEnvironment env;
  private static final BillingRouter router = new BillingRouter();
  private static final AtomicInteger runs = new AtomicInteger();

  /**
   * The time-skipping test server now and then jumps its clock 10 years (its default run timeout)
   * while a run is in flight; after about 29 such jumps the SDK's latency metric overflows. The
   * runs do not depend on the clock (no deadlines), so a fresh server is started well before that.
   */
  private static final long CLOCK_LIMIT_MS = Duration.ofDays(365L * 150).toMillis();

  private static long startedAtMs;

  private static void recycleIfClockRanAway() {
    if (env.currentTimeMillis() - startedAtMs > CLOCK_LIMIT_MS) {
      env.close();
      start();
    }
  }

  @BeforeContainer
  static void start() {
    env =
        SupervisedRunEnv.start(
            true,
            new RouterChatActivitiesImpl(
                router,
                new ConversationStore(new InMemoryBlobStore()),
                PriceCatalog.bundled(),
                new RouterConfig(null, null, MODEL, MODEL, null, null)));
    startedAtMs = env.currentTimeMillis();
  }

  @AfterContainer
  static void stop() {
    env.close();
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void adversarialDriver_anyPlan_spendStaysWithinTheStatedBound(
      @ForAll("plans") AdversarialPlan plan) {
    String runId = "escape-" + runs.incrementAndGet();
    BillingRouter.Bill bill = router.expect(runId, plan);
    recycleIfClockRanAway();
    RunResult result = run(env, runId, plan);
    Statistics.label("worker calls made").collect(bill.workerCalls.get() > 0);
    Statistics.label("router calls")
        .collect(bill.calls.get() == 0 ? "0" : bill.calls.get() < 10 ? "1-9" : "10+");
    Statistics.label("prompt estimate short (slack > 0)").collect(bill.slack() > 0);
    Statistics.label("dollars capped").collect(plan.rootUsd() != null);
    // A property over runs that never reach the router would pass vacuously.
    Statistics.label("worker calls made").coverage(c -> c.check(true).percentage(p -> p > 10));
    Statistics.label("prompt estimate short (slack > 0)")
        .coverage(c -> c.check(true).percentage(p -> p > 3));
    assertWithinBound(plan, bill, result);
  }

  static RunResult run(TestWorkflowEnvironment env, String runId, AdversarialPlan plan) {
    SupervisedRunWorkflow run =
        env.getWorkflowClient()
            .newWorkflowStub(
                SupervisedRunWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(runId).setTaskQueue("tally").build());
    WorkflowClient.start(run::run, request(plan));
    try {
      return WorkflowStub.fromTyped(run).getResult(90, TimeUnit.SECONDS, RunResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError(StuckRun.describe(env, runId) + plan);
    }
  }

  static RunRequest request(AdversarialPlan plan) {
    Budget root = new Budget(plan.rootIterations(), plan.rootTokens(), plan.rootUsd(), null);
    Budget perWorker =
        new Budget(1L, 200L, plan.rootUsd() == null ? null : new BigDecimal("0.00001"), null);
    return new RunRequest(
        TextNode.valueOf("adversarial"),
        root,
        perWorker,
        8,
        3,
        null,
        new DriverSettings(MODEL, MODEL, null),
        null,
        null);
  }

  static void assertWithinBound(AdversarialPlan plan, BillingRouter.Bill bill, RunResult result) {
    Spend spent = result.spentTotal();
    long slack = bill.slack();
    assertThat(bill.uncapped.get()).as("router calls sent without max_tokens").isZero();
    assertThat(spent.tokens())
        .as("ledger tokens equal what the router billed")
        .isEqualTo(bill.tokens.get());
    assertThat(spent.tokens())
        .as("tokens: ceiling %d + slack %d", plan.rootTokens(), slack)
        .isLessThanOrEqualTo(plan.rootTokens() + slack);
    assertThat(spent.iterations())
        .as("iterations: ceiling %d", plan.rootIterations())
        .isLessThanOrEqualTo(plan.rootIterations());
    if (plan.rootUsd() != null) {
      BigDecimal usdSlack =
          PRICE
              .input()
              .multiply(BigDecimal.valueOf(slack))
              .divide(BigDecimal.valueOf(1_000_000), 12, RoundingMode.CEILING);
      assertThat(spent.usd())
          .as("usd: ceiling %s + slack %s", plan.rootUsd(), usdSlack)
          .isLessThanOrEqualTo(plan.rootUsd().add(usdSlack));
    }
  }

  @Provide
  Arbitrary<AdversarialPlan> plans() {
    return AdversarialPlans.any();
  }
}
