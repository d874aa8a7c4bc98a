package dev.tally.export;

import dev.tally.ledger.LedgerEntry;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * A run's eval-run export, called from workflow code: {@code started} when the run begins, then
 * {@code finished} or {@code errored} when it ends. A run without {@code evalRun} labels exports
 * nothing and adds nothing to its history.
 *
 * <p>An export never fails the run: a refused or undeliverable export is logged and stays visible
 * in the history as the activity's failure.
 */
public final class EvalRunExport {
  private static final Logger log = Workflow.getLogger(EvalRunExport.class);

  private final String runId;
  private final EvalRunLabels evalRun;
  private long startedAtMs;
  private Promise<ExportReceipt> started;

  private EvalRunExport(String runId, EvalRunLabels evalRun) {
    this.runId = runId;
    this.evalRun = evalRun;
  }

  /** The export for a run; a no-op when {@code request} has no {@code evalRun}. */
  public static EvalRunExport forRun(String runId, RunRequest request) {
    Objects.requireNonNull(runId, "runId");
    return new EvalRunExport(runId, request == null ? null : request.evalRun());
  }

  public boolean enabled() {
    return evalRun != null;
  }

  /** Posts {@code started} without waiting for it; the run goes on meanwhile. */
  public void started() {
    startedAtMs = Workflow.currentTimeMillis();
    if (!enabled()) {
      return;
    }
    EvalRunBatch batch = EvalRunBatch.of(EvalRunEvents.started(runId, evalRun, startedAtMs));
    ExportEvalRunsActivities stub = stub("eval export: started");
    // Detached: a cancelled run still reports how it started and ended.
    Workflow.newDetachedCancellationScope(
            () -> started = Async.function(stub::exportEvalRuns, batch))
        .run();
  }

  /**
   * Takes over a run's export in the next run of its continue-as-new chain: {@code started} was
   * posted by the first run, whose start instant the export keeps.
   */
  public void resumed(long firstStartedAtMs) {
    startedAtMs = firstStartedAtMs;
  }

  /**
   * Posts {@code finished} or {@code errored} and waits for both posts to be done.
   *
   * @param workerDurationsMs how long each worker ran, by node id
   */
  public void ended(
      List<LedgerEntry> ledger, RunResult result, Map<String, Long> workerDurationsMs) {
    if (!enabled()) {
      return;
    }
    EvalRunEvent event =
        EvalRunEvents.from(
            runId,
            evalRun,
            ledger,
            result,
            workerDurationsMs,
            startedAtMs,
            Workflow.currentTimeMillis());
    ExportEvalRunsActivities stub = stub("eval export: " + event.status());
    Workflow.newDetachedCancellationScope(
            () -> {
              settle(started);
              settle(Async.function(stub::exportEvalRuns, EvalRunBatch.of(event)));
            })
        .run();
  }

  private static ExportEvalRunsActivities stub(String summary) {
    return Workflow.newActivityStub(
        ExportEvalRunsActivities.class, ExportPolicies.exportEvalRuns(summary));
  }

  private void settle(Promise<ExportReceipt> post) {
    if (post == null) {
      return;
    }
    try {
      ExportReceipt receipt = post.get();
      log.info("{}: eval export {} ({} accepted)", runId, receipt.delivery(), receipt.accepted());
    } catch (ActivityFailure failure) {
      log.warn("{}: eval export failed: {}", runId, failure.getCause());
    }
  }
}
