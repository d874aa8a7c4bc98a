package dev.tally.observe;

import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * Logs each op once, keeps the aggregates, class stats and digests, and writes a digest on a
 * durable timer (every {@code digestEveryMs}) and on demand. Signal and update handlers only queue:
 * every change happens in the main loop, in arrival order, so nothing is half-done when it
 * continues as new.
 */
public final class ObserverWorkflowImpl implements ObserverWorkflow {
  /** Ops one run logs before it continues as new, well under history limits. */
  static final int MAX_OPS_PER_RUN = 500;

  private static final Logger log = Workflow.getLogger(ObserverWorkflowImpl.class);

  // Filled by handlers, which may run before the workflow method has restored anything.
  private final Deque<Op> inbox = new ArrayDeque<>();
  private final Deque<Long> digestQueue = new ArrayDeque<>();
  private final Map<Long, DigestRequest> digestRequests = new HashMap<>();
  private final Map<Long, Digest> digestsDone = new HashMap<>();
  private long nextTicket;

  private ObserverSettings settings = ObserverSettings.DEFAULTS;
  private long generation;
  private long revision;
  private OpsAggregates aggregates = OpsAggregates.EMPTY;
  private final Map<String, ClassStats> classes = new TreeMap<>();
  private final Deque<Op> recentFailures = new ArrayDeque<>();
  private final LinkedHashSet<String> seen = new LinkedHashSet<>();
  private final Deque<Digest> digests = new ArrayDeque<>();
  private long opsSinceDigest;
  private long duplicates;
  private final Deque<String> refused = new ArrayDeque<>();
  private long opsThisRun;
  private Long nextDigestAtMs;
  private Diagnoser diagnoser;

  @Override
  public void run(ObserverState state) {
    restore(state == null ? ObserverState.initial(ObserverSettings.DEFAULTS) : state);
    Promise<Void> digestTimer = scheduleDigest();
    while (true) {
      Promise<Void> timer = digestTimer;
      Workflow.await(
          () ->
              !inbox.isEmpty() || !digestQueue.isEmpty() || (timer != null && timer.isCompleted()));
      while (!inbox.isEmpty()) {
        log(inbox.pollFirst());
      }
      if (timer != null && timer.isCompleted()) {
        // A quiet period writes no digest: it would only push a telling one out of the kept 50.
        if (opsSinceDigest > 0 || digests.isEmpty()) {
          writeDigest(Digest.SCHEDULED, true);
        }
        nextDigestAtMs = Workflow.currentTimeMillis() + settings.digestEveryMs();
        digestTimer = scheduleDigest();
      }
      while (!digestQueue.isEmpty()) {
        long ticket = digestQueue.pollFirst();
        DigestRequest r = digestRequests.remove(ticket);
        digestsDone.put(ticket, writeDigest(Digest.ON_DEMAND, r.diagnoseOrDefault()));
      }
      if (opsThisRun >= MAX_OPS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) {
        // Let every update that was answered return before this run closes.
        Workflow.await(Workflow::isEveryHandlerFinished);
        if (inbox.isEmpty() && digestQueue.isEmpty()) {
          log.info("observer continues as new after {} ops this run", opsThisRun);
          Workflow.continueAsNew(carried());
        }
      }
    }
  }

  @Override
  public void op(Op op) {
    if (op != null) {
      inbox.addLast(op);
    }
  }

  @Override
  public Digest digest(DigestRequest request) {
    long ticket = ++nextTicket;
    digestRequests.put(ticket, request == null ? new DigestRequest(null) : request);
    digestQueue.addLast(ticket);
    Workflow.await(() -> digestsDone.containsKey(ticket));
    return digestsDone.remove(ticket);
  }

  @Override
  public ObserverStats stats() {
    return new ObserverStats(
        aggregates,
        revision,
        generation,
        opsThisRun,
        duplicates,
        List.copyOf(refused),
        digests.size(),
        settings.model(),
        settings.budget(),
        diagnoser == null ? null : diagnoser.spent(),
        nextDigestAtMs);
  }

  @Override
  public List<Digest> digests() {
    return List.copyOf(digests);
  }

  @Override
  public Playbook playbook() {
    return Playbooks.build(revision, classes, digests.peekFirst(), settings.minSuccesses());
  }

  @Override
  public PlaybookExcerpt playbookFor(PlaybookRequest request) {
    return Playbooks.excerpt(
        playbook(), request == null ? new PlaybookRequest("run", null) : request);
  }

  private void restore(ObserverState s) {
    settings = s.settings();
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      // A signal-with-start cannot be refused, so bad settings fall back and say why.
      log.warn("observer settings refused, using defaults: {}", problems);
      refused.add("settings: " + String.join("; ", problems));
      settings = ObserverSettings.DEFAULTS;
    }
    generation = s.generation();
    revision = s.revision();
    aggregates = s.aggregates();
    classes.putAll(s.classes());
    recentFailures.addAll(s.recentFailures());
    seen.addAll(s.seen());
    digests.addAll(s.digests());
    opsSinceDigest = s.opsSinceDigest();
    duplicates = s.duplicates();
    refused.addAll(s.refused());
    nextDigestAtMs = s.nextDigestAtMs();
    diagnoser =
        new Diagnoser(
            Workflow.getInfo().getWorkflowId() + "@" + generation, settings, s.spent(), s.turns());
  }

  private ObserverState carried() {
    return new ObserverState(
        settings,
        generation + 1,
        revision,
        aggregates,
        classes,
        new ArrayList<>(recentFailures),
        new ArrayList<>(seen),
        new ArrayList<>(digests),
        opsSinceDigest,
        duplicates,
        new ArrayList<>(refused),
        diagnoser.spent(),
        diagnoser.turns(),
        nextDigestAtMs);
  }

  /** One timer until the next scheduled digest, or null when the loop is off. */
  private Promise<Void> scheduleDigest() {
    if (settings.digestEveryMs() == 0) {
      nextDigestAtMs = null;
      return null;
    }
    long now = Workflow.currentTimeMillis();
    if (nextDigestAtMs == null) {
      nextDigestAtMs = now + settings.digestEveryMs();
    }
    return Workflow.newTimer(
        Duration.ofMillis(Math.max(0, nextDigestAtMs - now)),
        TimerOptions.newBuilder().setSummary("next failure digest").build());
  }

  private void log(Op op) {
    List<String> problems = op.problems();
    if (!problems.isEmpty()) {
      keep(
          refused,
          (op.opId() == null ? "an op" : op.opId()) + ": " + String.join("; ", problems),
          ObserverState.MAX_REFUSED);
      log.warn("refused an op: {}", problems);
      return;
    }
    if (seen.contains(op.opId())) {
      duplicates++;
      return;
    }
    seen.add(op.opId());
    if (seen.size() > ObserverState.MAX_SEEN) {
      seen.remove(seen.iterator().next());
    }
    aggregates = aggregates.plus(op);
    classes.merge(op.taskClass(), ClassStats.empty(op).plus(op), (a, b) -> a.plus(op));
    if (!op.succeeded()) {
      keep(recentFailures, op, ObserverState.MAX_RECENT_FAILURES);
    }
    opsSinceDigest++;
    opsThisRun++;
    revision++;
  }

  private Digest writeDigest(String trigger, boolean diagnose) {
    long now = Workflow.currentTimeMillis();
    long since = now - settings.digestWindowMs();
    List<Op> failures = new ArrayList<>();
    for (Op op : recentFailures) {
      if (op.closedAtMs() >= since) {
        failures.add(op);
      }
    }
    List<Digest.FailureGroup> groups = Digests.groups(failures);
    Digest.Diagnosis diagnosis =
        diagnose
            ? diagnoser.diagnose(groups)
            : new Digest.Diagnosis(Digest.Diagnosis.OFF, null, null, "not asked for", null);
    Digest digest =
        new Digest(
            digests.isEmpty() ? 1 : digests.peekFirst().seq() + 1,
            now,
            trigger,
            since,
            opsSinceDigest,
            failures.size(),
            groups,
            Digests.donts(failures),
            diagnosis);
    digests.addFirst(digest);
    while (digests.size() > ObserverState.MAX_DIGESTS) {
      digests.removeLast();
    }
    opsSinceDigest = 0;
    revision++;
    return digest;
  }

  private static <T> void keep(Deque<T> window, T item, int max) {
    window.addLast(item);
    while (window.size() > max) {
      window.removeFirst();
    }
  }
}
