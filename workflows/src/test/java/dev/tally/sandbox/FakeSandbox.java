package dev.tally.sandbox;

import io.temporal.activity.Activity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted sandbox at the port edge: ticks come from a script per session, calls are recorded,
 * and an acquire or a tick can be held open so a test can cancel while it is in flight.
 */
public final class FakeSandbox implements SandboxActivities {
  private final Map<String, Deque<TurnTick>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Integer> ticks = new ConcurrentHashMap<>();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<SessionRequest> cancels = Collections.synchronizedList(new ArrayList<>());
  private final List<SessionRequest> releases = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<SettleTurnRequest, ValidationReport> settle =
      r ->
          new ValidationReport(
              true, "diff --git a/x b/x\n", r.baseCommit(), List.of("x"), 1, List.of(), List.of());
  private volatile Function<ReviewChangeRequest, CoderReview> review =
      r -> new CoderReview(true, "ship", 1.0, null);
  private volatile RuntimeException acquireFailure;
  private volatile Long leaseTickIntervalMs;
  private volatile String pinnedHost;
  private volatile String pinnedQueue;
  private volatile long pinnedTimeoutMs;
  private final List<String> queues = Collections.synchronizedList(new ArrayList<>());
  private volatile CountDownLatch holdAcquire;
  private final CountDownLatch acquireStarted = new CountDownLatch(1);
  private volatile int holdTickNumber = -1;
  private final CountDownLatch holdTick = new CountDownLatch(1);
  private final CountDownLatch heldTickStarted = new CountDownLatch(1);
  private final CountDownLatch firstTickDone = new CountDownLatch(1);

  /** Ticks for {@code sessionId}, in order; the last one repeats. */
  public FakeSandbox script(String sessionId, TurnTick... script) {
    scripts.put(sessionId, new ArrayDeque<>(List.of(script)));
    return this;
  }

  public FakeSandbox settleWith(Function<SettleTurnRequest, ValidationReport> settle) {
    this.settle = settle;
    return this;
  }

  public FakeSandbox failAcquire(RuntimeException failure) {
    this.acquireFailure = failure;
    return this;
  }

  /** The worker-side tick interval the lease reports. */
  public FakeSandbox leaseTickInterval(Long ms) {
    this.leaseTickIntervalMs = ms;
    return this;
  }

  /** Leases name {@code hostId} and its task queue, as a host-aware worker's do. */
  public FakeSandbox pinTo(String hostId, String queue, long timeoutMs) {
    this.pinnedHost = hostId;
    this.pinnedQueue = queue;
    this.pinnedTimeoutMs = timeoutMs;
    return this;
  }

  /** Each call as {@code <ActivityType>@<task queue it ran on>}, in order. */
  public List<String> queues() {
    synchronized (queues) {
      return List.copyOf(queues);
    }
  }

  private void recordQueue() {
    var info = Activity.getExecutionContext().getInfo();
    queues.add(info.getActivityType() + "@" + info.getActivityTaskQueue());
  }

  /** Holds every acquire open until {@link #releaseHeld()}. */
  public FakeSandbox holdAcquire() {
    this.holdAcquire = new CountDownLatch(1);
    return this;
  }

  /** Holds tick number {@code n} (1-based) open until {@link #releaseHeld()}. */
  public FakeSandbox holdTick(int n) {
    this.holdTickNumber = n;
    return this;
  }

  public void releaseHeld() {
    if (holdAcquire != null) {
      holdAcquire.countDown();
    }
    holdTick.countDown();
  }

  public void awaitAcquireStarted() throws InterruptedException {
    await(acquireStarted, "acquire to start");
  }

  public void awaitHeldTick() throws InterruptedException {
    await(heldTickStarted, "the held tick to start");
  }

  public void awaitFirstTick() throws InterruptedException {
    await(firstTickDone, "the first tick");
  }

  @Override
  public SandboxLease acquireSandbox(AcquireSandboxRequest request) {
    calls.add("acquire " + request.sessionId());
    recordQueue();
    acquireStarted.countDown();
    if (holdAcquire != null) {
      awaitQuietly(holdAcquire);
    }
    if (acquireFailure != null) {
      throw acquireFailure;
    }
    SandboxLease lease =
        new SandboxLease(
            "box-" + request.sessionId(),
            request.sessionId(),
            "fake",
            "base123",
            leaseTickIntervalMs,
            null);
    return pinnedQueue == null ? lease : lease.onHost(pinnedHost, pinnedQueue, pinnedTimeoutMs);
  }

  @Override
  public TurnTick driveTurn(DriveTurnRequest request) {
    int n = ticks.merge(request.sessionId(), 1, Integer::sum);
    calls.add("tick " + request.sessionId() + " #" + n);
    recordQueue();
    if (n == holdTickNumber) {
      heldTickStarted.countDown();
      awaitQuietly(holdTick);
    }
    Deque<TurnTick> script = scripts.get(request.sessionId());
    if (script == null || script.isEmpty()) {
      throw new IllegalStateException("no ticks scripted for " + request.sessionId());
    }
    TurnTick tick = script.size() > 1 ? script.pollFirst() : script.peekFirst();
    firstTickDone.countDown();
    return tick;
  }

  @Override
  public ValidationReport settleTurn(SettleTurnRequest request) {
    calls.add("settle " + request.sessionId());
    recordQueue();
    return settle.apply(request);
  }

  /** How {@code ReviewChange} answers, by session. */
  public FakeSandbox reviewWith(Function<ReviewChangeRequest, CoderReview> review) {
    this.review = review;
    return this;
  }

  @Override
  public CoderReview reviewChange(ReviewChangeRequest request) {
    calls.add("review " + request.sessionId());
    return review.apply(request);
  }

  @Override
  public FactJudgement judgeFact(JudgeFactRequest request) {
    calls.add("judge " + request.sessionId());
    return new FactJudgement(true, null);
  }

  @Override
  public SessionReceipt cancelSession(SessionRequest request) {
    calls.add("cancel " + request.sessionId());
    recordQueue();
    cancels.add(request);
    return new SessionReceipt(request.sessionId(), true, "cancelled");
  }

  @Override
  public SessionReceipt releaseSandbox(SessionRequest request) {
    calls.add("release " + request.sessionId());
    recordQueue();
    releases.add(request);
    return new SessionReceipt(request.sessionId(), true, "released");
  }

  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  public List<SessionRequest> cancels() {
    synchronized (cancels) {
      return List.copyOf(cancels);
    }
  }

  public List<SessionRequest> releases() {
    synchronized (releases) {
      return List.copyOf(releases);
    }
  }

  public int ticks(String sessionId) {
    return ticks.getOrDefault(sessionId, 0);
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("timed out waiting for " + what);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
