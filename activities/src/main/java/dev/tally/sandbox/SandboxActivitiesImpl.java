package dev.tally.sandbox;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The sandbox activities over a {@link SandboxProvider}: long steps heartbeat, and provider
 * refusals become typed {@code ApplicationFailure}s, the permanent ones non-retryable.
 */
public final class SandboxActivitiesImpl implements SandboxActivities {
  private final SandboxProvider provider;
  private final CoderValidator validator;
  private final CommandReviews reviews;
  private final CommandJudges judges;

  public SandboxActivitiesImpl(SandboxProvider provider, CoderValidator validator) {
    this(
        provider,
        validator,
        new CommandReviews(provider, CoderValidator.DEFAULT_REVIEW_TIMEOUT),
        new CommandJudges(provider, CoderValidator.DEFAULT_REVIEW_TIMEOUT));
  }

  public SandboxActivitiesImpl(
      SandboxProvider provider,
      CoderValidator validator,
      CommandReviews reviews,
      CommandJudges judges) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.reviews = Objects.requireNonNull(reviews, "reviews");
    this.judges = Objects.requireNonNull(judges, "judges");
  }

  /**
   * The activities the worker registers: the local process sandbox configured by {@code config}.
   */
  public static SandboxActivities create(SandboxConfig config) {
    LocalProcessSandbox local = new LocalProcessSandbox(config);
    return new SandboxActivitiesImpl(
        local,
        new CoderValidator(local, config.checkTimeout()),
        new CommandReviews(local, config.checkTimeout()),
        new CommandJudges(local, config.checkTimeout()));
  }

  @Override
  public SandboxLease acquireSandbox(AcquireSandboxRequest request) {
    return typed(() -> provider.acquire(request, SandboxActivitiesImpl::heartbeat));
  }

  @Override
  public TurnTick driveTurn(DriveTurnRequest request) {
    return typed(() -> provider.drive(request));
  }

  @Override
  public ValidationReport settleTurn(SettleTurnRequest request) {
    return typed(() -> validator.validate(request, SandboxActivitiesImpl::heartbeat));
  }

  @Override
  public CoderReview reviewChange(ReviewChangeRequest request) {
    return typed(() -> reviews.review(request, SandboxActivitiesImpl::heartbeat));
  }

  @Override
  public FactJudgement judgeFact(JudgeFactRequest request) {
    return typed(() -> judges.judge(request, SandboxActivitiesImpl::heartbeat));
  }

  @Override
  public SessionReceipt cancelSession(SessionRequest request) {
    return typed(() -> provider.cancel(request));
  }

  @Override
  public SessionReceipt releaseSandbox(SessionRequest request) {
    return typed(() -> provider.release(request));
  }

  /** Heartbeats; throws when the workflow cancelled this activity, which stops the command. */
  private static void heartbeat() {
    Activity.getExecutionContext().heartbeat(null);
  }

  private static <T> T typed(Supplier<T> call) {
    try {
      return call.get();
    } catch (SandboxException e) {
      throw e.permanent()
          ? ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), e.type(), e)
          : ApplicationFailure.newFailureWithCause(e.getMessage(), e.type(), e);
    }
  }
}
