package dev.tally.feedback;

import dev.tally.export.EvalRunEvent;
import dev.tally.export.HistorySource;
import dev.tally.export.RunChain;
import dev.tally.json.Json;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records ratings and gate decisions for any run or delegation, open or closed, in the target's
 * {@code FeedbackLog} workflow ({@code fb-<targetId>}) by signal-with-start; lists them back with
 * its {@code feedback} query. What the CLI's {@code feedback}, {@code gate} and {@code status}
 * commands call.
 *
 * <p>A gate decision carries the target's eval record, rebuilt here from the target's history, so
 * the log can re-file it as {@code gate-decided} under the same run id without reading anything
 * itself.
 */
public final class FeedbackRecorder {
  private static final Logger log = LoggerFactory.getLogger(FeedbackRecorder.class);

  private final WorkflowClient client;
  private final String taskQueue;
  private final Clock clock;

  /** What was recorded. */
  public record Recorded(String logWorkflowId, FeedbackEvent event, boolean reexported) {}

  public FeedbackRecorder(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, Clock.systemUTC());
  }

  public FeedbackRecorder(WorkflowClient client, String taskQueue, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records a rating of {@code targetId}.
   *
   * @throws IllegalArgumentException when the rating is invalid or there is no such workflow
   */
  public Recorded feedback(String targetId, double score, String label, String notes, String by) {
    requireTarget(targetId);
    FeedbackEvent event =
        event(targetId, FeedbackEvent.FEEDBACK, score, label, notes, by, null, null);
    submit(new FeedbackSubmission(event, null));
    return new Recorded(FeedbackLogWorkflow.workflowId(targetId), event, false);
  }

  /**
   * Records a gate decision on {@code targetId}; when the target is a supervised run that exports
   * eval records, its record is re-filed as {@code gate-decided}.
   *
   * @throws IllegalArgumentException when the decision is invalid or there is no such workflow
   */
  public Recorded gate(
      String targetId, String decision, Double holdoutLift, String notes, String by) {
    requireTarget(targetId);
    FeedbackEvent event =
        event(targetId, FeedbackEvent.GATE, null, null, notes, by, decision, holdoutLift);
    EvalRunEvent record = evalRecord(targetId);
    submit(new FeedbackSubmission(event, record));
    return new Recorded(FeedbackLogWorkflow.workflowId(targetId), event, record != null);
  }

  /**
   * Everything recorded about {@code targetId}; an empty log when nothing was ever recorded. Needs
   * a worker on the log's task queue to answer.
   */
  public FeedbackLog list(String targetId) {
    Objects.requireNonNull(targetId, "targetId");
    FeedbackLogWorkflow log =
        client.newWorkflowStub(FeedbackLogWorkflow.class, FeedbackLogWorkflow.workflowId(targetId));
    try {
      return log.feedback();
    } catch (WorkflowNotFoundException e) {
      return FeedbackLog.empty(targetId);
    }
  }

  /**
   * The target's eval record, or null when it has none or its history cannot be read here (a
   * payload codec, say): the decision is recorded either way, and the log says it was not
   * re-exported.
   */
  private EvalRunEvent evalRecord(String targetId) {
    try {
      // A run that continued-as-new is rated as a whole: its record covers every run of the chain.
      return RunChain.read(HistorySource.of(client), targetId)
          .history()
          .evalRecord(targetId, clock.millis());
    } catch (IllegalArgumentException e) {
      log.warn("gate on {}: its eval record cannot be rebuilt: {}", targetId, e.getMessage());
      return null;
    }
  }

  private void submit(FeedbackSubmission submission) {
    String targetId = submission.event().targetId();
    FeedbackLogWorkflow log =
        client.newWorkflowStub(
            FeedbackLogWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FeedbackLogWorkflow.workflowId(targetId))
                .setTaskQueue(taskQueue)
                .setStaticSummary("feedback and gate decisions for " + targetId)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(log::run, FeedbackLog.empty(targetId));
    request.add(log::record, submission);
    client.signalWithStart(request);
  }

  private FeedbackEvent event(
      String targetId,
      String kind,
      Double score,
      String label,
      String notes,
      String by,
      String decision,
      Double lift) {
    String at = Instant.ofEpochMilli(clock.millis()).toString();
    FeedbackEvent unnamed =
        new FeedbackEvent("pending", targetId, kind, score, label, notes, by, at, decision, lift);
    List<String> problems = unnamed.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    // Same content at the same instant is the same event: a resubmission is recorded once.
    String id =
        Json.contentRef(
                Map.of(
                    "event",
                    new FeedbackEvent(
                        null, targetId, kind, score, label, notes, by, at, decision, lift)))
            .substring("sha256:".length(), "sha256:".length() + 16);
    return new FeedbackEvent(id, targetId, kind, score, label, notes, by, at, decision, lift);
  }

  private void requireTarget(String targetId) {
    Objects.requireNonNull(targetId, "targetId");
    try {
      client.newUntypedWorkflowStub(targetId).describe();
    } catch (WorkflowNotFoundException e) {
      throw new IllegalArgumentException(
          "target: expected the id of an existing run or delegation, got \""
              + targetId
              + "\" (no such workflow)",
          e);
    }
  }
}
