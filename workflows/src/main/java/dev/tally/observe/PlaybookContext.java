package dev.tally.observe;

import dev.tally.supervise.RunRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLocal;
import java.util.Map;

/**
 * What a {@code usePlaybook} run's driver learns from the observer: the matching playbook entries,
 * fetched once by the {@code PlaybookFor} activity (so the run's history records the version it
 * saw), appended to the driver's system prompt and named in the run's memo.
 */
public final class PlaybookContext {
  /** Memo key of the playbook version a run's driver saw. */
  public static final String MEMO = "playbookVersion";

  // Per workflow execution: what this run's driver saw, for its op when it closes.
  private static final WorkflowLocal<Long> SEEN = WorkflowLocal.withCachedInitial(() -> null);

  private PlaybookContext() {}

  /**
   * {@code base}, followed by the playbook entries for {@code request}'s task class when it set
   * {@code usePlaybook}; {@code base} alone otherwise, with no command emitted.
   */
  public static String driverSystemPrompt(String base, RunRequest request) {
    if (!Boolean.TRUE.equals(request.usePlaybook())) {
      return base;
    }
    ObserverActivities observer =
        Workflow.newActivityStub(ObserverActivities.class, ObserverPolicies.report("playbook"));
    PlaybookExcerpt excerpt;
    try {
      excerpt =
          observer.playbookFor(new PlaybookRequest("run", OpsReport.labels(request.evalRun())));
    } catch (ActivityFailure e) {
      // No playbook is no reason to fail a run: the driver starts without one.
      return base;
    }
    if (excerpt.version() != null) {
      SEEN.set(excerpt.version());
      Workflow.upsertMemo(Map.of(MEMO, excerpt.version()));
    }
    return excerpt.text().isEmpty() ? base : base + "\n\n" + excerpt.text();
  }

  /** The playbook version this execution's driver saw, or null. */
  static Long versionSeen() {
    return SEEN.get();
  }
}
