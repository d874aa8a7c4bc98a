package dev.tally.observe;

import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.json.Json;
import dev.tally.ledger.LedgerEntry;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.supervise.RunRequest;
import dev.tally.supervise.RunResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * The one place supervised runs and delegations report to the observer when they close: builds the
 * op (never the task text, only its hash) and sends it with the {@code ReportOp} activity, detached
 * so a cancelled run still reports. A report that cannot be sent is logged and given up: the
 * observer never fails a run.
 */
public final class OpsReport {
  /** The {@code Workflow.getVersion} change id of reporting to the observer at close. */
  static final String CHANGE_ID = "observer-ops";

  private static final Logger log = Workflow.getLogger(OpsReport.class);

  private OpsReport() {}

  /** A supervised run closed with {@code result}; {@code entries} is its ledger. */
  public static void runClosed(RunRequest request, RunResult result, List<LedgerEntry> entries) {
    send(OpRecords.run(info(), request, result, entries, PlaybookContext.versionSeen()));
  }

  /** A supervised run was refused before it ran, its request invalid. */
  public static void runRefused(RunRequest request, String errorType, String message) {
    send(OpRecords.refusedRun(info(), request, errorType, message));
  }

  /** A delegation closed with {@code result}. */
  public static void delegationClosed(DelegationRequest request, DelegationResult result) {
    send(OpRecords.delegation(info(), request, result));
  }

  /** A delegation was refused before it ran, its request invalid. */
  public static void delegationRefused(
      DelegationRequest request, String errorType, String message) {
    send(OpRecords.refusedDelegation(info(), request, errorType, message));
  }

  private static OpRecords.Closing info() {
    WorkflowInfo info = Workflow.getInfo();
    return new OpRecords.Closing(
        info.getWorkflowId(),
        info.getFirstExecutionRunId(),
        info.getNamespace(),
        info.getRunStartedTimestampMillis(),
        Workflow.currentTimeMillis());
  }

  private static void send(Op op) {
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return;
    }
    ObserverActivities observer =
        Workflow.newActivityStub(
            ObserverActivities.class, ObserverPolicies.report("ops log: " + op.outcome()));
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                observer.reportOp(op);
              } catch (ActivityFailure e) {
                log.warn("{}: the observer did not take this op: {}", op.runId(), e.getMessage());
              }
            })
        .run();
  }

  static Map<String, String> labels(EvalRunLabels evalRun) {
    return evalRun == null || evalRun.labels() == null ? Map.of() : evalRun.labels();
  }

  static List<String> models(List<LedgerEntry> entries) {
    TreeSet<String> out = new TreeSet<>();
    for (LedgerEntry e : entries) {
      if (e instanceof LedgerEntry.Metered m && m.model() != null) {
        out.add(m.model());
      } else if (e instanceof LedgerEntry.Settled s && s.model() != null) {
        out.add(s.model());
      }
    }
    return List.copyOf(out);
  }

  static String taskHash(Object task) {
    return task == null ? null : Json.contentRef(task);
  }
}
