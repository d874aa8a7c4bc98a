package dev.tally.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.delegate.DelegationPolicies;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * One detached sandbox turn, driven from workflow code: acquire a box, bind the session reference,
 * dispatch and poll with short {@code DriveTurn} ticks and a durable timer between them, settle,
 * release. Reused by {@code Delegation} and by the {@code sandbox} worker profile.
 *
 * <p>Every exit path releases the box. When the turn did not end on its own (cancellation, the
 * wall-clock cap, a sandbox error) the remote session is cancelled first, in a detached cleanup
 * scope that runs even though the workflow is being cancelled. Cancellation of the enclosing {@code
 * CancellationScope} is how callers stop a turn.
 */
public final class SandboxTurn {
  private static final Logger log = Workflow.getLogger(SandboxTurn.class);

  /** Phase names the status query shows. */
  public static final String ACQUIRING = "acquiring";

  public static final String DETACHED_RUNNING = "detached-running";
  public static final String SETTLING = "settling";
  public static final String RELEASING = "releasing";

  private final SandboxActivities sandbox;
  private final Function<SandboxLease, SandboxActivities> pin;
  private final String sessionId;
  private final String harness;
  private final String model;
  private SandboxActivities onHost;
  private SessionRef ref;
  private String host;
  private String phase = "pending";
  private int ticks;
  private boolean dispatched;
  private TurnUsage usage;
  private String text;
  private boolean settledInBox;

  /**
   * @param sandbox the activity stub, with timeouts and retries already set by the caller
   * @param sessionId the session, derived from the caller's id so that retries and restarts find it
   */
  public SandboxTurn(SandboxActivities sandbox, String sessionId) {
    this(sandbox, DelegationPolicies::sandboxOnHost, sessionId, null, null);
  }

  /**
   * @param harness the worker's named harness to run, or null for its default
   * @param model the model passed to the harness, or null for its own choice
   */
  public SandboxTurn(SandboxActivities sandbox, String sessionId, String harness, String model) {
    this(sandbox, DelegationPolicies::sandboxOnHost, sessionId, harness, model);
  }

  /**
   * @param sandbox the activity stub for acquire
   * @param pin the stub for everything after acquire, given the lease (its host's task queue)
   * @param sessionId the session, derived from the caller's id so that retries and restarts find it
   * @param harness the worker's named harness to run, or null for its default
   * @param model the model passed to the harness, or null for its own choice
   */
  public SandboxTurn(
      SandboxActivities sandbox,
      Function<SandboxLease, SandboxActivities> pin,
      String sessionId,
      String harness,
      String model) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.pin = Objects.requireNonNull(pin, "pin");
    this.sessionId = new SessionRef(null, sessionId).sessionId();
    this.harness = harness;
    this.model = model;
    this.onHost = sandbox;
  }

  /** The named harness this turn runs, or null for the worker's default. */
  public String harness() {
    return harness;
  }

  /** The model this turn's harness is asked to use, or null. */
  public String model() {
    return model;
  }

  /**
   * The outcome of a turn cancelled while it waited for its turn to start: no box was asked for, so
   * there is nothing to cancel or release.
   */
  public TurnOutcome cancelledBeforeStart(String why) {
    TurnOutcome outcome = cancelled(why);
    phase = outcome.state();
    return outcome;
  }

  public String sessionId() {
    return sessionId;
  }

  /** The session reference once a box is bound, else null. */
  public SessionRef ref() {
    return ref;
  }

  /** Where the turn is now, e.g. {@code detached-running 12s}. */
  public String phase() {
    return phase;
  }

  /** {@code DriveTurn} passes made so far. */
  public int ticks() {
    return ticks;
  }

  /** Runs the turn to its end. Never throws: cancellation and failures come back as outcomes. */
  public TurnOutcome run(TurnPlan plan) {
    Objects.requireNonNull(plan, "plan");
    TurnOutcome outcome;
    try {
      outcome = drive(plan);
    } catch (CanceledFailure e) {
      outcome = cancelled(e.getMessage());
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure) {
        outcome = cancelled(e.getCause().getMessage());
      } else if (hostLost(e)) {
        outcome = failed(SandboxFailures.SANDBOX_HOST_LOST, hostLostMessage(e), null);
      } else {
        outcome = failed(kindOf(e), messageOf(e), null);
      }
    }
    return cleanUp(outcome);
  }

  private TurnOutcome drive(TurnPlan plan) {
    phase = ACQUIRING;
    SandboxLease acquired =
        sandbox.acquireSandbox(
            new AcquireSandboxRequest(sessionId, plan.profile(), plan.repoRoot(), harness, model));
    ref = acquired.ref();
    plan.onBound().accept(ref);
    // The box exists on one host: everything after this runs there (SPEC §9). Runs whose histories
    // predate that keep every activity on the workflow's queue, as they were recorded. Decided
    // once, here: the settler and the cleanup get the same lease.
    int version =
        Workflow.getVersion(DelegationPolicies.HOST_AFFINITY_CHANGE, Workflow.DEFAULT_VERSION, 1);
    SandboxLease lease = version == Workflow.DEFAULT_VERSION ? acquired.withoutHost() : acquired;
    host = lease.hostId();
    onHost = pin.apply(lease);
    long interval = plan.tickIntervalFor(lease);
    long wallCap = plan.wallCapFor(lease);
    long dispatchedAt = Workflow.currentTimeMillis();
    phase = "dispatching";
    while (true) {
      // Counted as dispatched before the first pass returns: a pass cut short by a cancel may
      // already have started the harness, and what it spent must not be read as nothing.
      dispatched = true;
      TurnTick tick =
          onHost.driveTurn(
              new DriveTurnRequest(lease.sandboxId(), sessionId, plan.prompt(), wallCap));
      ticks++;
      if (tick.usage() != null) {
        usage = tick.usage();
      }
      if (tick.isCompleted()) {
        text = tick.text();
        return settle(plan, lease, tick);
      }
      if (!tick.isRunning()) {
        String error = tick.error() == null ? "no reason given" : tick.error();
        return failed(
            SandboxFailures.TURN_FAILED, "detached turn " + sessionId + " failed: " + error, null);
      }
      phase = runningPhase(tick.elapsedMs());
      long elapsed = Workflow.currentTimeMillis() - dispatchedAt;
      if (elapsed >= wallCap) {
        return failed(
            SandboxFailures.WALL_CLOCK_CAP_EXCEEDED,
            "detached turn "
                + sessionId
                + " ran past its wall-clock cap of "
                + wallCap
                + " ms (still running after "
                + elapsed
                + " ms)",
            null);
      }
      long pause = Math.max(1, Math.min(interval, wallCap - elapsed));
      Workflow.newTimer(
              Duration.ofMillis(pause),
              TimerOptions.newBuilder().setSummary("next tick of " + sessionId).build())
          .get();
    }
  }

  private TurnOutcome settle(TurnPlan plan, SandboxLease lease, TurnTick completed) {
    phase = SETTLING;
    Settler.Settlement s = plan.settler().settle(lease, completed);
    if (s.accepted()) {
      return new TurnOutcome(
          sessionId,
          TurnOutcome.COMPLETED,
          refText(),
          text,
          s.output(),
          s.evidence(),
          usage,
          dispatched,
          ticks,
          null,
          null,
          null);
    }
    settledInBox = true;
    String kind = s.refusalKind() == null ? SandboxFailures.VALIDATION_REFUSED : s.refusalKind();
    return failed(kind, s.refusal(), s.evidence());
  }

  /**
   * Cancels the remote session when the turn did not end there on its own, then releases the box;
   * detached, so both run even while the workflow is being cancelled.
   */
  private TurnOutcome cleanUp(TurnOutcome outcome) {
    // A turn that ended in the box (completed, failed there, or refused after it finished) has no
    // process left to stop; every other ending may leave one running.
    boolean endedInBox =
        outcome.isCompleted()
            || SandboxFailures.TURN_FAILED.equals(outcome.errorKind())
            || SandboxFailures.VALIDATION_REFUSED.equals(outcome.errorKind())
            || settledInBox;
    // A lost host cannot run the cleanup either: asking would only wait out the timeout again.
    boolean hostGone = SandboxFailures.SANDBOX_HOST_LOST.equals(outcome.errorKind());
    boolean stopRemote = !endedInBox && !hostGone;
    String sandboxId = ref == null ? null : ref.sandboxId();
    String reason = outcome.errorMessage() == null ? outcome.state() : outcome.errorMessage();
    SessionRequest request = new SessionRequest(sandboxId, sessionId, reason);
    StringBuilder cleanupErrors = new StringBuilder();
    Workflow.newDetachedCancellationScope(
            () -> {
              if (stopRemote) {
                phase = "cancelling";
                try {
                  onHost.cancelSession(request);
                } catch (ActivityFailure e) {
                  cleanupErrors.append("cancel: ").append(messageOf(e)).append("; ");
                }
              }
              if (hostGone) {
                cleanupErrors.append("release: skipped, host ").append(host).append(" is lost");
                return;
              }
              phase = RELEASING;
              try {
                onHost.releaseSandbox(request);
              } catch (ActivityFailure e) {
                cleanupErrors.append("release: ").append(messageOf(e));
              }
            })
        .run();
    phase = outcome.state();
    if (cleanupErrors.length() > 0) {
      log.warn("{}: cleanup failed: {}", sessionId, cleanupErrors);
      return outcome.withCleanupError(cleanupErrors.toString());
    }
    return outcome;
  }

  private TurnOutcome cancelled(String why) {
    String reason = why == null || why.isBlank() ? "cancelled" : why;
    return new TurnOutcome(
        sessionId,
        TurnOutcome.CANCELLED,
        refText(),
        text,
        null,
        null,
        usage,
        dispatched,
        ticks,
        SandboxFailures.CANCELLED,
        "detached turn " + sessionId + " cancelled: " + reason,
        null);
  }

  private TurnOutcome failed(String kind, String message, JsonNode evidence) {
    return new TurnOutcome(
        sessionId,
        TurnOutcome.FAILED,
        refText(),
        text,
        null,
        evidence,
        usage,
        dispatched,
        ticks,
        kind,
        message,
        null);
  }

  private String refText() {
    return ref == null ? null : ref.format();
  }

  /** {@code detached-running} or {@code detached-running 12s}, the phase a running tick shows. */
  public static String runningPhase(Long elapsedMs) {
    if (elapsedMs == null || elapsedMs < 0) {
      return DETACHED_RUNNING;
    }
    return DETACHED_RUNNING + " " + Math.round(elapsedMs / 1000.0) + "s";
  }

  /** The host the box is on, once bound and when the worker named one, else null. */
  public String host() {
    return host;
  }

  /** Whether {@code failure} is a host-pinned activity no worker of its host picked up in time. */
  static boolean hostLost(ActivityFailure failure) {
    return failure.getCause() instanceof TimeoutFailure t
        && t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }

  private String hostLostMessage(ActivityFailure failure) {
    return "sandbox host "
        + (host == null ? "(unnamed)" : host)
        + " did not pick up "
        + failure.getActivityType()
        + " of session "
        + sessionId
        + " within its host timeout (TALLY_SANDBOX_HOST_TIMEOUT); the box and any harness are"
        + " there, so the turn is not re-dispatched on another host";
  }

  /** The typed failure name under an activity failure, else {@code SandboxError}. */
  static String kindOf(TemporalFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app && app.getType() != null) {
      return app.getType();
    }
    return SandboxFailures.SANDBOX_ERROR;
  }

  static String messageOf(TemporalFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }
}
