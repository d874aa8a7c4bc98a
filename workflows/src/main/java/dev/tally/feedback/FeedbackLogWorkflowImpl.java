package dev.tally.feedback;

import dev.tally.export.EvalRunBatch;
import dev.tally.export.EvalRunEvent;
import dev.tally.export.ExportEvalRunsActivities;
import dev.tally.export.ExportPolicies;
import dev.tally.export.ExportReceipt;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Keeps every submission for one target, in order, deduplicated only by event id (a retried
 * submission), and re-exports the target's eval record for each gate decision.
 */
public final class FeedbackLogWorkflowImpl implements FeedbackLogWorkflow {
  /** How long one run of the log lasts before it continues as new with everything it holds. */
  static final Duration ROLLOVER = Duration.ofDays(30);

  /** Submissions handled per run before continuing as new, well under history limits. */
  static final int MAX_PER_RUN = 500;

  private static final Logger log = Workflow.getLogger(FeedbackLogWorkflowImpl.class);

  // Filled by the signal handler, which may run before the workflow method has set anything up.
  private final Deque<FeedbackSubmission> inbox = new ArrayDeque<>();
  private String targetId;
  private final List<FeedbackEvent> events = new ArrayList<>();
  private final List<GateExport> exports = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();

  @Override
  public void run(FeedbackLog state) {
    FeedbackLog start = state == null ? FeedbackLog.empty(targetFromId()) : state;
    targetId = start.targetId();
    events.addAll(start.events());
    exports.addAll(start.exports());
    refused.addAll(start.refused());
    events.forEach(e -> seen.add(e.eventId()));
    // One timer per run, not one per wait: the log continues as new a month after it started (or
    // sooner when its history grows), carrying everything it holds.
    Promise<Void> rollover =
        Workflow.newTimer(
            ROLLOVER, TimerOptions.newBuilder().setSummary("feedback log rollover").build());
    int handled = 0;
    while (true) {
      Workflow.await(() -> !inbox.isEmpty() || rollover.isCompleted());
      while (!inbox.isEmpty()) {
        handle(inbox.pollFirst());
        handled++;
      }
      if (rollover.isCompleted()
          || handled >= MAX_PER_RUN
          || Workflow.getInfo().isContinueAsNewSuggested()) {
        // The signal handler only queues, so nothing can be half-handled here.
        if (inbox.isEmpty()) {
          Workflow.continueAsNew(feedback());
        }
      }
    }
  }

  @Override
  public void record(FeedbackSubmission submission) {
    if (submission != null) {
      inbox.addLast(submission);
    }
  }

  @Override
  public FeedbackLog feedback() {
    return new FeedbackLog(targetId == null ? targetFromId() : targetId, events, exports, refused);
  }

  private void handle(FeedbackSubmission submission) {
    FeedbackEvent event = submission.event();
    List<String> problems =
        event == null ? List.of("event: expected an event, got nothing") : event.problems();
    if (problems.isEmpty() && !targetId.equals(event.targetId())) {
      problems =
          List.of("targetId: expected \"" + targetId + "\", got \"" + event.targetId() + "\"");
    }
    if (!problems.isEmpty()) {
      // A signal cannot be refused, so an invalid one is kept out of the record and reported.
      refused.add(String.join("; ", problems));
      log.warn("{}: refused a submission: {}", targetId, problems);
      return;
    }
    if (!seen.add(event.eventId())) {
      return;
    }
    events.add(event);
    if (FeedbackEvent.GATE.equals(event.kind())) {
      exports.add(exportGate(event, submission.evalRecord()));
    }
  }

  private GateExport exportGate(FeedbackEvent gate, EvalRunEvent record) {
    if (record == null) {
      return new GateExport(
          gate.eventId(), GateExport.SKIPPED, "the target exports no eval record (no evalRun)");
    }
    EvalRunEvent decided =
        record.gateDecided(gate.gateDecision(), gate.holdoutLift(), gate.capturedAt());
    EvalRunBatch batch =
        new EvalRunBatch(
            EvalRunBatch.keyFor(record.runId(), EvalRunEvent.GATE_DECIDED, gate.eventId()),
            List.of(decided));
    ExportEvalRunsActivities export =
        Workflow.newActivityStub(
            ExportEvalRunsActivities.class,
            ExportPolicies.exportEvalRuns(
                "eval export: gate-decided " + gate.gateDecision() + " for " + record.runId()));
    try {
      ExportReceipt receipt = export.exportEvalRuns(batch);
      return new GateExport(gate.eventId(), receipt.delivery(), null);
    } catch (ActivityFailure failure) {
      String detail =
          failure.getCause() instanceof ApplicationFailure app
              ? app.getType() + ": " + app.getOriginalMessage()
              : String.valueOf(failure.getCause());
      return new GateExport(gate.eventId(), GateExport.FAILED, detail);
    }
  }

  private static String targetFromId() {
    String id = Workflow.getInfo().getWorkflowId();
    return id.startsWith(ID_PREFIX) ? id.substring(ID_PREFIX.length()) : id;
  }
}
