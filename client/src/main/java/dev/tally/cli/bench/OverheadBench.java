package dev.tally.cli.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tally.embedded.DevStack;
import dev.tally.embedded.TemporalServer;
import dev.tally.json.Json;
import dev.tally.router.ChatMessage;
import dev.tally.router.OpenAiChatBackend;
import dev.tally.router.scripted.ScriptedRouter;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a driver turn costs: wall time per turn of a supervised run against the scripted router,
 * next to two baselines on the same embedded server, in the same process, in the same run: the loop
 * a Temporal user would write without Tally ({@link ByValueLoopWorkflowImpl}: the whole
 * conversation passed by value into each model-call activity, same router, same HTTP client, no
 * ledger), and the floor, a bare workflow awaiting a no-op activity as often. The first repetition
 * warms the JIT and is not counted.
 */
public final class OverheadBench {
  static final String BASELINE_QUEUE = "tally-bench-baseline";

  /**
   * One repetition.
   *
   * @param turnMs wall milliseconds per driver turn
   * @param baselineMs wall milliseconds per bare workflow step
   * @param routerChatMs mean milliseconds inside the RouterChat activity per turn (HTTP, blobs)
   * @param baselineActivityMs mean milliseconds inside the no-op activity per step
   * @param byValueMs wall milliseconds per turn of the by-value loop
   * @param byValueChatMs mean milliseconds inside its model-call activity per turn
   * @param eventsPerTurn history events per driver turn of the Tally run
   * @param byValueEventsPerTurn history events per turn of the by-value loop
   */
  public record Repetition(
      double turnMs,
      double baselineMs,
      double routerChatMs,
      double baselineActivityMs,
      double byValueMs,
      double byValueChatMs,
      double eventsPerTurn,
      double byValueEventsPerTurn) {
    public double ratio() {
      return turnMs / baselineMs;
    }

    public double ratioToByValue() {
      return turnMs / byValueMs;
    }
  }

  private OverheadBench() {}

  public static List<Repetition> run(
      int turns, int repetitions, int messageChars, Map<String, String> env) throws IOException {
    return run(turns, repetitions, messageChars, env, null);
  }

  /**
   * The benchmark on {@code server} (closed with the run), or on the embedded test server when
   * null. Tally, the by-value peer and the floor always share the one server.
   */
  public static List<Repetition> run(
      int turns, int repetitions, int messageChars, Map<String, String> env, TemporalServer server)
      throws IOException {
    ScriptedRouter.Options script = new ScriptedRouter.Options(0, turns - 1, messageChars);
    List<Repetition> out = new ArrayList<>();
    try (DevStack stack =
        server == null
            ? DevStack.startScripted(0, env, script)
            : DevStack.onScripted(server, env, script)) {
      WorkflowClient client = stack.connection().client();
      WorkerFactory baseline = WorkerFactory.newInstance(client);
      Worker worker = baseline.newWorker(BASELINE_QUEUE);
      worker.registerWorkflowImplementationTypes(
          BareLoopWorkflowImpl.class, ByValueLoopWorkflowImpl.class);
      worker.registerActivitiesImplementations(
          new NoopActivitiesImpl(),
          new ByValueChatActivitiesImpl(
              new OpenAiChatBackend(stack.routerBaseUrl(), null, Duration.ofMinutes(2)),
              ScriptedRouter.MODEL));
      baseline.start();
      try {
        for (int r = 0; r < repetitions; r++) {
          String runId = "bench-overhead-" + r;
          long t0 = System.nanoTime();
          int taken = BenchRuns.runToEnd(stack, runId, turns);
          double turnMs = (System.nanoTime() - t0) / 1e6 / taken;

          String bareId = "bench-bare-" + r;
          BareLoopWorkflow bare =
              client.newWorkflowStub(
                  BareLoopWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(bareId)
                      .setTaskQueue(BASELINE_QUEUE)
                      .build());
          long t1 = System.nanoTime();
          bare.run(taken);
          double bareMs = (System.nanoTime() - t1) / 1e6 / taken;

          String byValueId = "bench-by-value-" + r;
          ByValueLoopWorkflow byValue =
              client.newWorkflowStub(
                  ByValueLoopWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(byValueId)
                      .setTaskQueue(BASELINE_QUEUE)
                      .build());
          long t2 = System.nanoTime();
          int peerTurns = byValue.run(taken + 2, openingOf(client.fetchHistory(runId)));
          double byValueMs = (System.nanoTime() - t2) / 1e6 / peerTurns;
          if (peerTurns != taken) {
            throw new IllegalStateException(
                "the by-value loop took " + peerTurns + " turns where Tally took " + taken);
          }

          WorkflowExecutionHistory tally = client.fetchHistory(runId);
          WorkflowExecutionHistory peer = client.fetchHistory(byValueId);
          out.add(
              new Repetition(
                  turnMs,
                  bareMs,
                  meanActivityMs(tally, "RouterChat"),
                  meanActivityMs(client.fetchHistory(bareId), "BenchNoop"),
                  byValueMs,
                  meanActivityMs(peer, "BenchByValueChat"),
                  (double) tally.getEvents().size() / taken,
                  (double) peer.getEvents().size() / peerTurns));
        }
      } finally {
        baseline.shutdownNow();
      }
    }
    return out;
  }

  /**
   * The messages Tally's driver opened with (its system prompt and task): the append of the run's
   * first {@code RouterChat}, read from its history.
   */
  static List<ChatMessage> openingOf(WorkflowExecutionHistory history) {
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && "RouterChat"
              .equals(e.getActivityTaskScheduledEventAttributes().getActivityType().getName())) {
        byte[] input =
            e.getActivityTaskScheduledEventAttributes()
                .getInput()
                .getPayloads(0)
                .getData()
                .toByteArray();
        try {
          return Json.CANONICAL.convertValue(
              Json.CANONICAL.readTree(input).get("append"), new TypeReference<>() {});
        } catch (IOException ex) {
          throw new UncheckedIOException("the first RouterChat input is not JSON", ex);
        }
      }
    }
    throw new IllegalStateException("the benchmark run made no RouterChat call");
  }

  /** Mean time from an activity's start to its completion, for one activity type. */
  static double meanActivityMs(WorkflowExecutionHistory history, String type) {
    Map<Long, String> scheduledType = new HashMap<>();
    Map<Long, Long> startedAt = new HashMap<>();
    long totalMs = 0;
    int count = 0;
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduledType.put(
            e.getEventId(),
            e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        startedAt.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), millis(e));
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        long scheduled = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        if (type.equals(scheduledType.get(scheduled)) && startedAt.containsKey(scheduled)) {
          totalMs += millis(e) - startedAt.get(scheduled);
          count++;
        }
      }
    }
    return count == 0 ? 0 : (double) totalMs / count;
  }

  private static long millis(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
  }
}
