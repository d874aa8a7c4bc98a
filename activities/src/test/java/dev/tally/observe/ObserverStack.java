package dev.tally.observe;

import dev.tally.TallyWorkflows;
import dev.tally.blob.InMemoryBlobStore;
import dev.tally.json.TallyDataConverter;
import dev.tally.ledger.LedgerEntry;
import dev.tally.meter.MeterActivitiesImpl;
import dev.tally.router.RouterChatActivitiesImpl;
import dev.tally.router.RouterConfig;
import dev.tally.router.scripted.ScriptedRouter;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real path of runs and their observer on the embedded test server: every Tally workflow, the
 * production router client talking HTTP to the scripted router (through a recording front), the
 * real meter, visibility and observer activities. Only the router's answers are scripted.
 */
final class ObserverStack implements AutoCloseable {
  static final String QUEUE = TallyWorkflows.DEFAULT_TASK_QUEUE;

  final ScriptedRouter scripted;
  final RecordingRouter router;
  final TestWorkflowEnvironment env;
  final WorkflowClient client;

  /** Every ledger entry the meter saw, by ledger run id. */
  final Map<String, List<LedgerEntry>> metered = new ConcurrentHashMap<>();

  private final ObserverSettings settings;
  private final List<WorkerFactory> extraFactories = new ArrayList<>();

  ObserverStack(boolean timeSkipping, ObserverSettings settings) {
    this.settings = settings;
    scripted = ScriptedRouter.start(0, 1);
    router = RecordingRouter.start(scripted.baseUrl());
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(TallyDataConverter.create())
                        .build())
                .build());
    client = env.getWorkflowClient();
  }

  /** Registers everything on the environment's own worker and starts it. */
  ObserverStack start() {
    return start(observerActivities());
  }

  /** As {@link #start()}, with {@code observer} as the worker's observer activities. */
  ObserverStack start(ObserverActivities observer) {
    register(env.newWorker(QUEUE, unsticky()), observer);
    env.start();
    return this;
  }

  /** A second worker factory on the same queue, its observer activities {@code observer}. */
  WorkerFactory extraWorker(ObserverActivities observer) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    register(factory.newWorker(QUEUE, unsticky()), observer);
    extraFactories.add(factory);
    return factory;
  }

  ObserverActivitiesImpl observerActivities() {
    return new ObserverActivitiesImpl(client, QUEUE, settings);
  }

  private void register(Worker worker, ObserverActivities observer) {
    TallyWorkflows.register(worker);
    worker.registerActivitiesImplementations(
        RouterChatActivitiesImpl.create(
            new RouterConfig(
                router.baseUrl(), null, ScriptedRouter.MODEL, ScriptedRouter.MODEL, null, null),
            new InMemoryBlobStore()),
        new MeterActivitiesImpl(
            List.of(
                (key, runId, entry) ->
                    metered
                        .computeIfAbsent(
                            runId, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(entry))),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()),
        observer);
  }

  /** Without sticky queues, so a workflow moves to another worker when its worker dies. */
  private static WorkerOptions unsticky() {
    return WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();
  }

  ObserverClient observer() {
    return new ObserverClient(client);
  }

  /** Waits (bounded) until the observer has logged {@code ops} ops; its stats then. */
  ObserverStats awaitOps(long ops, Duration bound) throws InterruptedException {
    return awaitStats(s -> s.aggregates().total().ops() >= ops, "ops >= " + ops, bound);
  }

  /** Waits (bounded) until the observer's stats satisfy {@code done}; its stats then. */
  ObserverStats awaitStats(
      java.util.function.Predicate<ObserverStats> done, String what, Duration bound)
      throws InterruptedException {
    long until = System.nanoTime() + bound.toNanos();
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
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the observer's stats were " + last + " after " + bound + ", expected " + what);
  }

  @Override
  public void close() {
    extraFactories.forEach(WorkerFactory::shutdownNow);
    env.close();
    router.close();
    scripted.close();
  }
}
