package dev.tally.feedback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.export.EvalRunEvent;

/**
 * Signal {@code record} of {@code FeedbackLog}: one event, and for a gate decision on a run that
 * exports eval records, that run's record to re-file as {@code gate-decided}.
 *
 * @param event the rating or decision
 * @param evalRecord the target's eval record as rebuilt from its history, or null when the target
 *     exports none (no {@code evalRun} labels, or not a supervised run)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeedbackSubmission(FeedbackEvent event, EvalRunEvent evalRecord) {}
