package dev.tally.delegate;

/** Typed failure names of delegations; the sandbox's own are in {@code SandboxFailures}. */
public final class DelegationFailures {
  /** A DelegationRequest field is invalid; the workflow refuses to run. */
  public static final String INVALID_DELEGATION_REQUEST = "InvalidDelegationRequest";

  /** No sandbox can run this profile. */
  public static final String SANDBOX_NOT_CONFIGURED = "SandboxNotConfigured";

  /** A research turn's answer is not the structured {@code {answer, facts, sources}} result. */
  public static final String MALFORMED_RESEARCH_RESULT = "MalformedResearchResult";

  /** A validated coder candidate was not approved by the reviewer gate. */
  public static final String REVIEW_REJECTED = "ReviewRejected";

  /** No candidate of a fanout survived validation (and review); each one's reason is listed. */
  public static final String NO_ELIGIBLE_CANDIDATE = "NoEligibleCandidate";

  private DelegationFailures() {}
}
