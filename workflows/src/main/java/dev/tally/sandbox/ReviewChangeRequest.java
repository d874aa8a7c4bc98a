package dev.tally.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Input of {@code ReviewChange}: a reviewer command run in a validated candidate's working copy.
 *
 * @param sandboxId the box
 * @param sessionId the session whose working copy is reviewed
 * @param baseCommit the commit the change is against (the command sees it as {@code
 *     $TALLY_BASE_COMMIT})
 * @param command the reviewer command; it prints a {@code CoderReview} JSON object
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReviewChangeRequest(
    String sandboxId, String sessionId, String baseCommit, String command) {}
