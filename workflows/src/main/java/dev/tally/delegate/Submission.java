package dev.tally.delegate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What submitting a delegation did.
 *
 * @param taskId the task (and workflow) id
 * @param reused true when the same input had already been submitted: nothing new was started
 * @param state the existing task's state when reused (finished or not); null for a new task
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Submission(String taskId, boolean reused, DelegationStatus state) {}
