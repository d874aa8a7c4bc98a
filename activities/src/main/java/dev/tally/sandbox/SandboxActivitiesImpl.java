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
  private final SandboxHost host;
  private final String hostQueue;

  /** Activities whose leases are not pinned to a host (a single-host setup, and tests). */
  public SandboxActivitiesImpl(SandboxProvider provider, CoderValidator validator) {
    this(
        provider,
        validator,
        new CommandReviews(provider, CoderValidator.DEFAULT_REVIEW_TIMEOUT),
        new CommandJudges(provider, CoderValidator.DEFAULT_REVIEW_TIMEOUT),
        null,
        null);
  }

  /**
   * Activities whose leases name {@code host} and its task queue {@code hostQueue} (both null for
   * no pinning), so that the workflow schedules every later activity of a session where its box is.
   */
  public SandboxActivitiesImpl(
      SandboxProvider provider,
      CoderValidator validator,
      CommandReviews reviews,
      CommandJudges judges,
      SandboxHost host,
      String hostQueue) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.reviews = Objects.requireNonNull(reviews, "reviews");
    this.judges = Objects.requireNonNull(judges, "judges");
    if ((host == null) != (hostQueue == null)) {
      throw new IllegalArgumentException("host and hostQueue: expected both or neither");
    }
    this.host = host;
    this.hostQueue = hostQueue;
  }

  /**
   * The activities the worker registers: the local process sandbox configured by {@code config}.
   */
  public static SandboxActivities create(SandboxConfig config) {
    return create(config, null, null);
  }

  /**
   * As {@link #create(SandboxConfig)}, with leases pinned to {@code host}'s {@code hostQueue} (both
   * null: not pinned).
   */
  public static SandboxActivities create(SandboxConfig config, SandboxHost host, String hostQueue) {
    LocalProcessSandbox local = new LocalProcessSandbox(config);
    return new SandboxActivitiesImpl(
        local,
        new CoderValidator(local, config.checkTimeout()),
        new CommandReviews(local, config.checkTimeout()),
        new CommandJudges(local, config.checkTimeout()),
        host,
        hostQueue);
  }

  @Override
  public SandboxLease acquireSandbox(AcquireSandboxRequest request) {
    String owner = Activity.getExecutionContext().getInfo().getWorkflowId();
    SandboxLease lease =
        typed(() -> provider.acquire(request, owner, SandboxActivitiesImpl::heartbeat));
    return host == null ? lease : lease.onHost(host.hostId(), hostQueue, host.timeout().toMillis());
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
