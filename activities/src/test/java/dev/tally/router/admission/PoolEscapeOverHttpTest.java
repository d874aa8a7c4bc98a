package dev.tally.router.admission;

import dev.tally.blob.InMemoryBlobStore;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.testkit.SupervisedRunEnv;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The adversarial plans of {@link PoolEscapePropertyTest} through the production wiring end to end:
 * the real {@code OpenAiChatBackend} over loopback HTTP to a router that bills from the HTTP body's
 * size and honours {@code max_tokens}. The router counts at most one token per 4 body bytes, below
 * Tally's estimate, so the stated slack is zero and the run must stay within its ceilings exactly.
 */
class PoolEscapeOverHttpTest {
  private static TestWorkflowEnvironment env;
  private static BillingRouterHttp http;
  private static final BillingRouter router = new BillingRouter();
  private static final AtomicInteger runs = new AtomicInteger();

  @BeforeContainer
  static void start() {
    http = new BillingRouterHttp(router);
    RouterConfig config =
        new RouterConfig(
            http.baseUrl(),
            null,
            PoolEscapePropertyTest.MODEL,
            PoolEscapePropertyTest.MODEL,
            null,
            Duration.ofSeconds(20));
    env =
        SupervisedRunEnv.start(
            true, RouterChatActivitiesImpl.create(config, new InMemoryBlobStore()));
  }

  @AfterContainer
  static void stop() {
    env.close();
    http.close();
  }

  @Property(tries = 8)
  void adversarialDriverOverHttp_anyPlan_spendStaysWithinTheCeiling(
      @ForAll("plans") AdversarialPlan plan) {
    String runId = "http-escape-" + runs.incrementAndGet();
    BillingRouter.Bill bill = router.expect(runId, plan);
    PoolEscapePropertyTest.assertWithinBound(
        plan, bill, PoolEscapePropertyTest.run(env, runId, plan));
  }

  @Provide
  Arbitrary<AdversarialPlan> plans() {
    return AdversarialPlans.any()
        .map(
            p ->
                new AdversarialPlan(
                    p.rootTokens(),
                    p.rootIterations(),
                    p.rootUsd(),
                    4,
                    p.wantedCompletion(),
                    p.awaitsPerTurn(),
                    p.turns()));
  }
}
