package dev.tally.visibility;

import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sets Tally's search attributes on the running workflow when, and only when, its namespace has
 * them registered.
 *
 * <p>A server refuses an upsert of an attribute it does not know by failing the workflow task,
 * which would stall the workflow forever, so the gate decides once per workflow: a starter that set
 * {@code TallyStatus} at start (the {@code tally} CLI) vouched for them; otherwise the workflow
 * asks its worker through a local activity, whose answer is recorded in history and so replays the
 * same. That is how a run started by {@code temporal workflow start} or another SDK, which sets no
 * attributes, still becomes searchable. Histories from before the question existed replay without
 * it ({@link #CHANGE_ID}).
 */
public final class SearchAttributeGate {
  /** The {@code Workflow.getVersion} change id of asking the worker. */
  static final String CHANGE_ID = "tally-search-attributes-from-worker";

  private static final LocalActivityOptions ASK_WORKER =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
          .setSummary("search attributes registered?")
          .build();

  private final boolean enabled;
  private final boolean vouchedWithoutVersion;
  private Boolean open;

  private SearchAttributeGate(boolean enabled, boolean vouchedWithoutVersion) {
    this.enabled = enabled;
    this.vouchedWithoutVersion = vouchedWithoutVersion;
  }

  /**
   * The gate of a root run's {@code running} and outcome upserts, which runs whose starter vouched
   * have always made: those need no version marker, so their old histories replay unchanged.
   */
  public static SearchAttributeGate forRootRun() {
    return new SearchAttributeGate(true, true);
  }

  /**
   * The gate of upserts that old histories never made (delegations, refused requests): on a history
   * from before {@link #CHANGE_ID} it stays closed even for a starter that vouched.
   */
  public static SearchAttributeGate forNewUpserts() {
    return new SearchAttributeGate(true, false);
  }

  /** A gate that never opens: for child workflows, which must not count as runs. */
  public static SearchAttributeGate closed() {
    return new SearchAttributeGate(false, false);
  }

  /** Whether this workflow sets Tally's search attributes; decided on the first call. */
  public boolean open() {
    if (open == null) {
      open = enabled && decide();
    }
    return open;
  }

  /** Applies {@code updates} when the gate is open; nothing otherwise. */
  public void upsert(List<SearchAttributeUpdate<?>> updates) {
    if (open()) {
      Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
    }
  }

  private boolean decide() {
    boolean vouched = Workflow.getTypedSearchAttributes().containsKey(TallySearchKeys.STATUS);
    if (vouched && vouchedWithoutVersion) {
      return true;
    }
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return false;
    }
    if (vouched) {
      return true;
    }
    AtomicBoolean registered = new AtomicBoolean();
    // Detached: a workflow cancelled before it got here still learns the answer, and the answer
    // never fails the workflow (visibility is an aid, not a reason to lose a run).
    Workflow.newDetachedCancellationScope(
            () -> {
              VisibilityActivities worker =
                  Workflow.newLocalActivityStub(VisibilityActivities.class, ASK_WORKER);
              try {
                registered.set(
                    worker
                        .registeredSearchAttributes(new AttributeQuery(TallySearchKeys.NAMES))
                        .containsAll(TallySearchKeys.NAMES));
              } catch (ActivityFailure e) {
                Workflow.getLogger(SearchAttributeGate.class)
                    .warn("cannot tell which search attributes are registered: {}", e.getMessage());
              }
            })
        .run();
    return registered.get();
  }
}
