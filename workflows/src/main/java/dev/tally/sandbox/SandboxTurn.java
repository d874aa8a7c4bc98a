package dev.tally.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Objects;
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
  private final String sessionId;
  private final String harness;
  private final String model;
  private SessionRef ref;
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
    this(sandbox, sessionId, null, null);
  }

  /**
   * @param harness the worker's named harness to run, or null for its default
   * @param model the model passed to the harness, or null for its own choice
   */
  public SandboxTurn(SandboxActivities sandbox, String sessionId, String harness, String model) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.sessionId = new SessionRef(null, sessionId).sessionId();
    this.harness = harness;
    this.model = model;
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
      outcome =
          e.getCause() instanceof CanceledFailure
              ? cancelled(e.getCause().getMessage())
              : failed(kindOf(e), messageOf(e), null);
    }
    return cleanUp(outcome);
  }

  private TurnOutcome drive(TurnPlan plan) {
    phase = ACQUIRING;
    SandboxLease lease =
        sandbox.acquireSandbox(
            new AcquireSandboxRequest(sessionId, plan.profile(), plan.repoRoot(), harness, model));
    ref = lease.ref();
    plan.onBound().accept(ref);
    long interval = plan.tickIntervalFor(lease);
    long wallCap = plan.wallCapFor(lease);
    long dispatchedAt = Workflow.currentTimeMillis();
    phase = "dispatching";
    while (true) {
      // Counted as dispatched before the first pass returns: a pass cut short by a cancel may
      // already have started the harness, and what it spent must not be read as nothing.
      dispatched = true;
      TurnTick tick =
          sandbox.driveTurn(
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
    boolean stopRemote = !endedInBox;
    String sandboxId = ref == null ? null : ref.sandboxId();
    String reason = outcome.errorMessage() == null ? outcome.state() : outcome.errorMessage();
    SessionRequest request = new SessionRequest(sandboxId, sessionId, reason);
    StringBuilder cleanupErrors = new StringBuilder();
    Workflow.newDetachedCancellationScope(
            () -> {
              if (stopRemote) {
                phase = "cancelling";
                try {
                  sandbox.cancelSession(request);
                } catch (ActivityFailure e) {
                  cleanupErrors.append("cancel: ").append(messageOf(e)).append("; ");
                }
              }
              phase = RELEASING;
              try {
                sandbox.releaseSandbox(request);
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
