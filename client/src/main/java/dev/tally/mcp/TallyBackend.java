package dev.tally.mcp;

import dev.tally.delegate.DelegationFeedback;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.Submission;
import dev.tally.supervise.RunRequest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the MCP tools need from Tally: every operation goes to Temporal, so the server holds no
 * state of its own. The CLI implements it with the same session and submission code as its
 * commands. Every method reports failure as a {@link ToolFailure}.
 */
public interface TallyBackend {
  /** Submits a delegation idempotently (SPEC §4): identical input returns the same task. */
  Submission delegate(DelegationRequest request);

  /** A delegation's state, open or closed. */
  DelegationStatus delegation(String taskId);

  /** Delegations newest first, filtered; at most {@code limit}. */
  List<DelegationSummary> delegations(String namespace, String profile, Instant since, int limit);

  /** Records a rating of delegation {@code taskId}; returns the recorded event's id. */
  String feedback(String taskId, DelegationFeedback feedback);

  /** Sends a delegation its {@code cancel} signal; false when it had already ended. */
  boolean cancelDelegation(String taskId, String reason);

  /**
   * Starts a supervised run; a null {@code perWorker} takes the CLI's defaults.
   *
   * @return the run's workflow id
   */
  String startRun(RunRequest request);

  /** A run's Temporal state, its status query, its outcome once closed and its ledger. */
  Map<String, Object> runStatus(String runId);

  /** Sends a run its {@code cancel} signal; false when it had already ended. */
  boolean cancelRun(String runId, String reason);

  /** The namespace observer's aggregates ({@code ops_stats}). */
  Map<String, Object> opsStats();

  /**
   * The namespace observer's digests ({@code ops_digest}): a new one when {@code write}, else the
   * latest {@code limit}, newest first.
   */
  Map<String, Object> opsDigest(boolean write, boolean diagnose, int limit);

  /** Sends a run the {@code raiseBudget} update when the workflow has one. */
  Map<String, Object> raiseBudget(String runId, Map<String, Object> raise);

  /**
   * One row of {@code delegation_history}.
   *
   * @param status {@code pending}, {@code running}, {@code completed}, {@code failed} or {@code
   *     cancelled}
   * @param costUsd absent when unknown, never read as zero
   */
  record DelegationSummary(
      String taskId,
      String profile,
      String namespace,
      String status,
      String startedAt,
      String completedAt,
      BigDecimal costUsd) {}
}
