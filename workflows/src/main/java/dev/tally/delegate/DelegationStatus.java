package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.feedback.FeedbackEvent;
import dev.tally.ledger.Spend;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Query {@code status}: where a delegation is now.
 *
 * @param taskId the task (and workflow) id
 * @param profile {@code coder}, {@code researcher} or {@code ui-auditor}
 * @param namespace the delegation's namespace, if any
 * @param status {@code pending}, {@code running}, {@code completed}, {@code failed} or {@code
 *     cancelled}
 * @param progress ticks so far and the phase
 * @param result the validated result (completed only)
 * @param error why it failed or was cancelled
 * @param costUsd dollars spent, when every turn reported its price; absent when unknown (never read
 *     as zero)
 * @param spent everything spent, with its honesty flags
 * @param startedAt ISO-8601
 * @param completedAt ISO-8601, once terminal
 * @param feedback every feedback signal received, in order
 * @param rejectedFeedback why the last unusable feedback signal was not recorded
 * @param turns each sandbox turn (one per variant)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DelegationStatus(
    String taskId,
    String profile,
    String namespace,
    String status,
    Progress progress,
    JsonNode result,
    DelegationError error,
    BigDecimal costUsd,
    Spend spent,
    String startedAt,
    String completedAt,
    List<DelegationFeedback> feedback,
    String rejectedFeedback,
    List<TurnView> turns) {

  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** Whether {@code status} is final. */
  public static boolean terminal(String status) {
    return COMPLETED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
  }

  /**
   * This status with the ratings of its feedback log ({@code fb-<taskId>}) added to {@code
   * feedback}: a closed delegation takes no signals, so a rating given after it closed lives only
   * in the log. A logged rating that the delegation also received as a signal (same rater, same
   * instant, same score) is listed once.
   */
  public DelegationStatus withLoggedFeedback(List<FeedbackEvent> logged) {
    List<DelegationFeedback> merged = new ArrayList<>(feedback == null ? List.of() : feedback);
    for (FeedbackEvent e : logged == null ? List.<FeedbackEvent>of() : logged) {
      if (!FeedbackEvent.FEEDBACK.equals(e.kind())) {
        continue;
      }
      DelegationFeedback f = DelegationFeedback.fromLog(e);
      boolean seen =
          merged.stream()
              .anyMatch(
                  m ->
                      Objects.equals(m.by(), f.by())
                          && Objects.equals(m.capturedAt(), f.capturedAt())
                          && m.rating() != null
                          && Objects.equals(m.rating().score(), f.rating().score()));
      if (!seen) {
        merged.add(f);
      }
    }
    return new DelegationStatus(
        taskId,
        profile,
        namespace,
        status,
        progress,
        result,
        error,
        costUsd,
        spent,
        startedAt,
        completedAt,
        List.copyOf(merged),
        rejectedFeedback,
        turns);
  }

  /** The status a finished delegation's result describes. */
  public static DelegationStatus of(DelegationResult r) {
    int ticks = r.turns() == null ? 0 : r.turns().stream().mapToInt(TurnView::ticks).sum();
    return new DelegationStatus(
        r.taskId(),
        r.profile(),
        r.namespace(),
        r.status(),
        new Progress(ticks, r.status()),
        r.result(),
        r.error(),
        r.costUsd(),
        r.spent(),
        r.startedAt(),
        r.completedAt(),
        r.feedback() == null ? List.of() : r.feedback(),
        null,
        r.turns());
  }
}
