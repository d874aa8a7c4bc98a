package dev.tally.sandbox;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The sandbox port as workflows see it: one box per session, driven by short dispatch-or-poll
 * ticks. Every method is idempotent on the session id, so Temporal may retry any of them and a
 * worker restart never starts a turn twice.
 */
@ActivityInterface
public interface SandboxActivities {
  /** Activity type {@code AcquireSandbox}: creates the session's box, or returns the one it has. */
  @ActivityMethod(name = "AcquireSandbox")
  SandboxLease acquireSandbox(AcquireSandboxRequest request);

  /**
   * Activity type {@code DriveTurn}: one pass. The first dispatches the prompt; later ones poll.
   * {@code failed} is terminal and the same on every later pass.
   */
  @ActivityMethod(name = "DriveTurn")
  TurnTick driveTurn(DriveTurnRequest request);

  /**
   * Activity type {@code SettleTurn}: validates a completed coder turn inside its box (checks, diff
   * rules, secret scan). Only a report with {@code valid} carries a patch.
   */
  @ActivityMethod(name = "SettleTurn")
  ValidationReport settleTurn(SettleTurnRequest request);

  /**
   * Activity type {@code ReviewChange}: runs a reviewer command in a validated candidate's working
   * copy and reads its {@code CoderReview}; a command that fails or prints no usable review yields
   * a not-approved review saying why (fail-closed), never an error.
   */
  @ActivityMethod(name = "ReviewChange")
  CoderReview reviewChange(ReviewChangeRequest request);

  /**
   * Activity type {@code JudgeFact}: runs a KB-gate judge command in a research session's box.
   * Fail-closed: a judge that fails or prints no usable verdict does not accept.
   */
  @ActivityMethod(name = "JudgeFact")
  FactJudgement judgeFact(JudgeFactRequest request);

  /** Activity type {@code CancelSession}: stops the session's turn for good (kills the harness). */
  @ActivityMethod(name = "CancelSession")
  SessionReceipt cancelSession(SessionRequest request);

  /** Activity type {@code ReleaseSandbox}: frees the box; later acquires of the session refuse. */
  @ActivityMethod(name = "ReleaseSandbox")
  SessionReceipt releaseSandbox(SessionRequest request);
}
